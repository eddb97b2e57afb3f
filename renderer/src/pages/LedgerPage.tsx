/**
 * The auditor's ledger screen. The whole record (operations, ledger entries,
 * access log, events, rulesets, checkpoints) is one hash chain; this page
 * shows it verified, takes a checkpoint signed with the auditor's own key
 * (their key file and passphrase: the installation holds no signing key),
 * and verifies the record against a checkpoint the auditor kept, with the
 * auditor's public key pinned: without it nothing is said to be verified.
 */
import { Alert, Badge, Button, Card, FileButton, Group, List, PasswordInput, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../shared/contract';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { saveFile } from '../download';
import { count, when } from '../format';
import { usePageTitle } from '../pageTitle';
import { keyedMessage } from '../i18n/serverText';

type Integrity = Output<'checkpoints'>['integrity'];

function ProblemList({ integrity }: { integrity: Integrity }) {
  const { t } = useTranslation('ledger');
  if (integrity.problemCount === 0) return null;
  return (
    <List size="sm" data-testid="integrity-problems">
      {integrity.problems.map((p, i) => (
        <List.Item key={i}>
          <b>{p.where}</b>
          {p.at ? ` ${p.at}` : ''}: {keyedMessage(p)}
        </List.Item>
      ))}
      {integrity.problemCount > integrity.problems.length && <List.Item>{t('moreProblems', { count: integrity.problemCount - integrity.problems.length, more: count(integrity.problemCount - integrity.problems.length) })}</List.Item>}
    </List>
  );
}

export function LedgerPage() {
  const { t } = useTranslation('ledger');
  usePageTitle(t('title'));
  const queryClient = useQueryClient();
  const [trustedKey, setTrustedKey] = useState('');
  const pinned = trustedKey.trim();
  const list = useQuery({ queryKey: ['checkpoints', pinned], queryFn: () => call('checkpoints', { trustedPublicKey: pinned || undefined }) });
  const [result, setResult] = useState<(Output<'verifyCheckpoint'> & { file: string }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [keyFile, setKeyFile] = useState<{ name: string; text: string } | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [taking, setTaking] = useState(false);

  const take = async () => {
    if (!keyFile) return;
    setTaking(true);
    setError(null);
    try {
      const cp = await call('createCheckpoint', { keyFile: keyFile.text, passphrase });
      saveFile(cp.filename, cp.content, 'application/json');
      setPassphrase('');
      await queryClient.invalidateQueries({ queryKey: ['checkpoints'] });
    } catch (err) {
      setError(err);
    } finally {
      setTaking(false);
    }
  };
  const chooseKey = async (file: File | null) => {
    if (file) setKeyFile({ name: file.name, text: await file.text() });
  };
  const verify = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setResult(null);
    try {
      const checkpoint = JSON.parse(await file.text());
      setResult({ ...(await call('verifyCheckpoint', { checkpoint, trustedPublicKey: pinned })), file: file.name });
    } catch (err) {
      setError(err instanceof SyntaxError ? new Error(t('notJson', { file: file.name })) : err);
    }
  };

  const integrity = list.data?.integrity;
  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text size="sm" c="dimmed">
        {t('intro')}
      </Text>
      <ErrorNote error={error ?? list.error} />
      {integrity && (
        <Alert
          color={integrity.ok ? 'yellow' : 'red'}
          title={
            integrity.ok
              ? t('consistent', { chain: count(integrity.chainCount), ledger: count(integrity.ledgerCount) })
              : t('damaged', { count: integrity.problemCount, problems: count(integrity.problemCount) })
          }
          data-testid="chain-status"
          data-ok={integrity.ok}
        >
          {integrity.ok ? (
            <Text size="xs">
              {t('consistentNote')} {t('head')} <span style={{ fontFamily: 'monospace' }}>{integrity.chainHead}</span>
            </Text>
          ) : (
            <ProblemList integrity={integrity} />
          )}
        </Alert>
      )}
      <Card withBorder>
        <Stack>
          <Title order={3} size="h4">{t('verify.title')}</Title>
          <Textarea
            label={t('verify.key')}
            description={t('verify.keyHelp')}
            autosize
            minRows={2}
            value={trustedKey}
            onChange={(e) => setTrustedKey(e.currentTarget.value)}
            data-testid="trusted-key"
          />
          <Group>
            <FileButton onChange={(f) => void verify(f)} accept="application/json,.json" disabled={!pinned}>
              {(props) => (
                <Button {...props} disabled={!pinned} data-testid="verify-checkpoint">
                  {t('verify.choose')}
                </Button>
              )}
            </FileButton>
            {!pinned && (
              <Text size="sm" c="dimmed">
                {t('verify.pasteFirst')}
              </Text>
            )}
          </Group>
          {result && (
            <Alert color={result.ok ? 'green' : 'red'} title={result.ok ? t('verify.ok', { file: result.file }) : t('verify.failed', { file: result.file })} data-testid="checkpoint-result" data-ok={result.ok}>
              <Text size="sm">{t('verify.signature', { message: keyedMessage(result.signature) })}</Text>
              {result.ok && result.integrity && (
                <Text size="sm">
                  {t('verify.counts', { chain: count(result.integrity.chainCount), ledger: count(result.integrity.ledgerCount) })}
                </Text>
              )}
              {!result.ok && (
                <List size="sm">
                  {(result.mismatchesKeyed ?? result.mismatches.map((message) => ({ message }))).map((m, i) => (
                    <List.Item key={i}>{keyedMessage(m)}</List.Item>
                  ))}
                </List>
              )}
              {!result.ok && result.integrity && <ProblemList integrity={result.integrity} />}
            </Alert>
          )}
        </Stack>
      </Card>
      <Card withBorder>
        <Stack>
          <Title order={3} size="h4">{t('take.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('take.intro')}
          </Text>
          <Group align="end">
            <FileButton onChange={(f) => void chooseKey(f)} accept="application/json,.json,.key">
              {(props) => (
                <Button variant="default" {...props} data-testid="choose-auditor-key">
                  {keyFile ? t('take.key', { file: keyFile.name }) : t('take.chooseKey')}
                </Button>
              )}
            </FileButton>
            <PasswordInput label={t('take.passphrase')} value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} w={260} data-testid="auditor-passphrase" />
            <Button loading={taking} disabled={!keyFile || !passphrase} onClick={() => void take()} data-testid="take-checkpoint">
              {t('take.sign')}
            </Button>
          </Group>
        </Stack>
      </Card>
      {list.data && (
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">
            {t('list.title')}
          </Title>
          <Table striped data-testid="checkpoints-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('list.when')}</Table.Th>
                <Table.Th>{t('list.by')}</Table.Th>
                <Table.Th ta="right">{t('list.ledger')}</Table.Th>
                <Table.Th ta="right">{t('list.chain')}</Table.Th>
                <Table.Th>{t('list.key')}</Table.Th>
                <Table.Th>{t('list.signature')}</Table.Th>
                <Table.Th>{t('list.chainToday')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.checkpoints.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>{when(c.at)}</Table.Td>
                  <Table.Td>{c.actor}</Table.Td>
                  <Table.Td ta="right">{count(c.count)}</Table.Td>
                  <Table.Td ta="right">{c.chainCount === null ? '—' : count(c.chainCount)}</Table.Td>
                  <Table.Td ff="monospace" fz="xs">
                    {c.keyId}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={c.signatureStatus === 'valid' ? 'green' : c.signatureStatus === 'unpinned' ? 'gray' : 'red'} variant="light">
                      {t(`signatureStatus.${c.signatureStatus}`, { defaultValue: c.signatureStatus })}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={c.matchesChain ? 'green' : 'red'} variant="light">
                      {c.matchesChain === null ? t('list.notComparable') : c.matchesChain ? t('list.matches') : t('list.differs')}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {list.data.checkpoints.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('list.none')}
            </Text>
          )}
        </Card>
      )}
    </Stack>
  );
}
