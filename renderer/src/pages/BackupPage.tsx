/**
 * Backups (administrators): the backups in the backup folder with what each
 * holds, a backup taken now (a consistent snapshot, encrypted like the
 * database, with its manifest), each one checkable, and where daily backups
 * go and how many are kept. Restoring is done with the console stopped:
 * `credence restore --from FILE` (it verifies first and keeps the replaced file).
 */
import { Alert, Badge, Button, Card, Code, Group, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { keyedMessage } from '../i18n/serverText';
import { count, intlLocale, when } from '../format';
import { usePageTitle } from '../pageTitle';

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toLocaleString(intlLocale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MiB`;

export function BackupPage() {
  const { t } = useTranslation('backup');
  usePageTitle(t('title'));
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['backups'], queryFn: () => call('backups', {}) });
  const [error, setError] = useState<unknown>(null);
  const [taking, setTaking] = useState(false);
  const [checks, setChecks] = useState<Record<string, { ok: boolean; message: string }>>({});
  const [folder, setFolder] = useState('');
  const [keep, setKeep] = useState<number | string>(7);

  useEffect(() => {
    if (list.data) {
      setFolder(list.data.folder);
      setKeep(list.data.keep);
    }
  }, [list.data]);

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await queryClient.invalidateQueries({ queryKey: ['backups'] });
    } catch (err) {
      setError(err);
    }
  };
  const take = () =>
    run(async () => {
      setTaking(true);
      try {
        await call('createBackup', {});
      } finally {
        setTaking(false);
      }
    });
  const check = (file: string) => run(async () => setChecks({ ...checks, [file]: await call('verifyBackup', { file }) }));
  const save = () => run(() => call('setBackupSettings', { folder: folder.trim() || null, keep: Number(keep) }));

  return (
    <Stack>
      <Title order={2}>{t('title')}</Title>
      <Text size="sm" c="dimmed">
        {t('intro')}
      </Text>
      <ErrorNote error={error ?? list.error} />
      <Card withBorder>
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h4">{t('inFolder', { folder: list.data?.folder ?? '…' })}</Title>
            <Button loading={taking} onClick={() => void take()} data-testid="backup-now">
              {t('now')}
            </Button>
          </Group>
          <Table striped data-testid="backups-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('col.taken')}</Table.Th>
                <Table.Th>{t('col.file')}</Table.Th>
                <Table.Th ta="right">{t('col.size')}</Table.Th>
                <Table.Th ta="right">{t('col.citizens')}</Table.Th>
                <Table.Th ta="right">{t('col.ledger')}</Table.Th>
                <Table.Th ta="right">{t('col.chain')}</Table.Th>
                <Table.Th>{t('col.encrypted')}</Table.Th>
                <Table.Th>{t('col.check')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data?.backups.map((b) => (
                <Table.Tr key={b.file}>
                  <Table.Td>{when(b.createdAt)}</Table.Td>
                  <Table.Td ff="monospace" fz="xs">
                    {b.file}
                  </Table.Td>
                  <Table.Td ta="right">{megabytes(b.bytes)}</Table.Td>
                  <Table.Td ta="right">{count(b.citizens)}</Table.Td>
                  <Table.Td ta="right">{count(b.ledgerCount)}</Table.Td>
                  <Table.Td ta="right">{count(b.chainCount)}</Table.Td>
                  <Table.Td>
                    <Badge color={b.encrypted ? 'green' : 'red'} variant="light">
                      {b.encrypted ? t('encryptedYes') : t('encryptedNo')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {checks[b.file] ? (
                      <Badge color={checks[b.file].ok ? 'green' : 'red'} variant="light" title={keyedMessage(checks[b.file])} data-testid="backup-check-result">
                        {checks[b.file].ok ? t('intact') : t('damaged')}
                      </Badge>
                    ) : (
                      <Button size="xs" variant="default" onClick={() => void check(b.file)} data-testid="backup-check">
                        {t('col.check')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {list.data?.backups.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('none')}
            </Text>
          )}
          {Object.entries(checks)
            .filter(([, c]) => !c.ok)
            .map(([file, c]) => (
              <Alert key={file} color="red" title={t('cannotRestore', { file })} data-testid="backup-check-failed">
                {keyedMessage(c)}
              </Alert>
            ))}
        </Stack>
      </Card>
      <Card withBorder>
        <Stack>
          <Title order={3} size="h4">{t('daily')}</Title>
          <Group align="end">
            <TextInput label={t('folder')} description={t('folderHelp')} value={folder} onChange={(e) => setFolder(e.currentTarget.value)} w={420} data-testid="backup-folder" />
            <NumberInput label={t('keep')} description={t('keepHelp')} min={1} max={365} value={keep} onChange={setKeep} w={140} data-testid="backup-keep" />
            <Button variant="default" onClick={() => void save()} data-testid="backup-save">
              {t('save')}
            </Button>
          </Group>
        </Stack>
      </Card>
      <Text size="sm">
        <Trans t={t} i18nKey="restore" components={{ code: <Code /> }} />
      </Text>
    </Stack>
  );
}
