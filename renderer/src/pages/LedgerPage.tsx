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
import type { Output } from '../../../shared/contract';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { saveFile } from '../download';
import { count, when } from '../format';
import { usePageTitle } from '../pageTitle';

type Integrity = Output<'checkpoints'>['integrity'];

function ProblemList({ integrity }: { integrity: Integrity }) {
  if (integrity.problemCount === 0) return null;
  return (
    <List size="sm" data-testid="integrity-problems">
      {integrity.problems.map((p, i) => (
        <List.Item key={i}>
          <b>{p.where}</b>
          {p.at ? ` ${p.at}` : ''}: {p.message}
        </List.Item>
      ))}
      {integrity.problemCount > integrity.problems.length && <List.Item>… and {count(integrity.problemCount - integrity.problems.length)} more</List.Item>}
    </List>
  );
}

export function LedgerPage() {
  usePageTitle('Ledger verification');
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
      setError(err instanceof SyntaxError ? new Error(`${file.name} is not a checkpoint file (not JSON)`) : err);
    }
  };

  const integrity = list.data?.integrity;
  return (
    <Stack>
      <Title order={2}>Ledger verification</Title>
      <Text size="sm" c="dimmed">
        Every record that may never change — operations, ledger entries, the access log, events, rulesets, checkpoints — is one hash chain, and every stored score must equal
        its last ledger entry. A checkpoint signed with the auditor&apos;s own key fixes the chain at a moment; verifying against it later, with the auditor&apos;s public key,
        detects any edit, deletion, truncation or re-signing before it.
      </Text>
      <ErrorNote error={error ?? list.error} />
      {integrity && (
        <Alert
          color={integrity.ok ? 'yellow' : 'red'}
          title={integrity.ok ? `Record consistent: ${count(integrity.chainCount)} chain entries, ${count(integrity.ledgerCount)} ledger entries` : `Record damaged: ${count(integrity.problemCount)} problem(s)`}
          data-testid="chain-status"
          data-ok={integrity.ok}
        >
          {integrity.ok ? (
            <Text size="xs">
              Consistent is not verified: someone who rewrote all of it would also pass. Verify against a checkpoint you kept. <span style={{ fontFamily: 'monospace' }}>head {integrity.chainHead}</span>
            </Text>
          ) : (
            <ProblemList integrity={integrity} />
          )}
        </Alert>
      )}
      <Card withBorder>
        <Stack>
          <Title order={4}>Verify against a checkpoint</Title>
          <Textarea
            label="Your auditor public key (required)"
            description="The .pub.pem written by credence auditor-key create, from your own copy — never from this machine."
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
                  Choose a checkpoint file and verify…
                </Button>
              )}
            </FileButton>
            {!pinned && (
              <Text size="sm" c="dimmed">
                Paste your public key first: a checkpoint is only as good as the key it is checked against.
              </Text>
            )}
          </Group>
          {result && (
            <Alert color={result.ok ? 'green' : 'red'} title={result.ok ? `Verified against ${result.file}` : `Verification failed against ${result.file}`} data-testid="checkpoint-result" data-ok={result.ok}>
              <Text size="sm">Signature: {result.signature.message}</Text>
              {result.ok && result.integrity && (
                <Text size="sm">
                  {count(result.integrity.chainCount)} chain entries and {count(result.integrity.ledgerCount)} ledger entries verified; every stored score matches the ledger.
                </Text>
              )}
              {!result.ok && (
                <List size="sm">
                  {result.mismatches.map((m, i) => (
                    <List.Item key={i}>{m}</List.Item>
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
          <Title order={4}>Take a signed checkpoint</Title>
          <Text size="sm" c="dimmed">
            Choose your auditor key file (from your removable media) and type its passphrase. The key is used for this signature only and never stored here.
          </Text>
          <Group align="end">
            <FileButton onChange={(f) => void chooseKey(f)} accept="application/json,.json,.key">
              {(props) => (
                <Button variant="default" {...props} data-testid="choose-auditor-key">
                  {keyFile ? `Key: ${keyFile.name}` : 'Choose your auditor key…'}
                </Button>
              )}
            </FileButton>
            <PasswordInput label="Passphrase" value={passphrase} onChange={(e) => setPassphrase(e.currentTarget.value)} w={260} data-testid="auditor-passphrase" />
            <Button loading={taking} disabled={!keyFile || !passphrase} onClick={() => void take()} data-testid="take-checkpoint">
              Sign and save the checkpoint
            </Button>
          </Group>
        </Stack>
      </Card>
      {list.data && (
        <Card withBorder>
          <Title order={4} mb="xs">
            Checkpoints recorded in this database
          </Title>
          <Table striped data-testid="checkpoints-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When (UTC)</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th ta="right">Ledger</Table.Th>
                <Table.Th ta="right">Chain</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Signature</Table.Th>
                <Table.Th>Chain today</Table.Th>
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
                      {c.signatureStatus === 'unpinned' ? 'paste your key to check' : c.signatureStatus}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={c.matchesChain ? 'green' : 'red'} variant="light">
                      {c.matchesChain === null ? 'not comparable' : c.matchesChain ? 'matches' : 'history differs'}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {list.data.checkpoints.length === 0 && (
            <Text size="sm" c="dimmed">
              No checkpoint yet.
            </Text>
          )}
        </Card>
      )}
    </Stack>
  );
}
