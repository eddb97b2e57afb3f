/**
 * The auditor's ledger screen: verify the hash chain, take a signed
 * checkpoint, and verify the chain against a checkpoint taken earlier (a
 * rewritten or truncated history since then is detected and the first broken
 * entry named).
 */
import { Alert, Badge, Button, Card, FileButton, Group, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Output } from '../../../shared/contract';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { saveFile } from '../download';
import { count, when } from '../format';

export function LedgerPage() {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['checkpoints'], queryFn: () => call('checkpoints', {}) });
  const [trustedKey, setTrustedKey] = useState('');
  const [result, setResult] = useState<(Output<'verifyCheckpoint'> & { file: string }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [taking, setTaking] = useState(false);

  const take = async () => {
    setTaking(true);
    setError(null);
    try {
      const cp = await call('createCheckpoint', {});
      saveFile(cp.filename, cp.content, 'application/json');
      await queryClient.invalidateQueries({ queryKey: ['checkpoints'] });
    } catch (err) {
      setError(err);
    } finally {
      setTaking(false);
    }
  };
  const verify = async (file: File | null) => {
    if (!file) return;
    setError(null);
    setResult(null);
    try {
      const checkpoint = JSON.parse(await file.text());
      setResult({ ...(await call('verifyCheckpoint', { checkpoint, trustedPublicKey: trustedKey.trim() || undefined })), file: file.name });
    } catch (err) {
      setError(err instanceof SyntaxError ? new Error(`${file.name} is not a checkpoint file (not JSON)`) : err);
    }
  };

  const chain = list.data?.chain;
  return (
    <Stack>
      <Title order={2}>Ledger verification</Title>
      <Text size="sm" c="dimmed">
        Every score change is a hash-chained ledger entry. A signed checkpoint fixes the entry count and the head hash at a moment; verifying against it later proves the
        history before it was neither rewritten nor truncated.
      </Text>
      <ErrorNote error={error ?? list.error} />
      {chain && (
        <Alert color={chain.ok ? 'green' : 'red'} title={chain.ok ? `Hash chain intact: ${count(chain.count)} entries` : 'Hash chain broken'} data-testid="chain-status">
          {chain.ok ? <Text size="xs" ff="monospace">head {chain.head}</Text> : chain.message}
        </Alert>
      )}
      <Card withBorder>
        <Stack>
          <Title order={4}>Verify against a checkpoint</Title>
          <Textarea
            label="Installation public key you trust (optional, PEM)"
            description="Paste the key you received when checkpoints were first taken; without it the signature is checked against the key inside the file."
            autosize
            minRows={2}
            value={trustedKey}
            onChange={(e) => setTrustedKey(e.currentTarget.value)}
            data-testid="trusted-key"
          />
          <Group>
            <FileButton onChange={(f) => void verify(f)} accept="application/json,.json">
              {(props) => (
                <Button {...props} data-testid="verify-checkpoint">
                  Choose a checkpoint file and verify…
                </Button>
              )}
            </FileButton>
            <Button variant="default" loading={taking} onClick={() => void take()} data-testid="take-checkpoint">
              Take a signed checkpoint now
            </Button>
          </Group>
          {result && (
            <Alert color={result.ok ? 'green' : 'red'} title={result.ok ? `The ledger matches ${result.file}` : `The ledger does not match ${result.file}`} data-testid="checkpoint-result">
              <Text size="sm">Signature: {result.signature.message}</Text>
              {result.chain && <Text size="sm">{result.chain.ok ? `${count(result.chain.count)} entries verified.` : result.chain.message}</Text>}
            </Alert>
          )}
        </Stack>
      </Card>
      {list.data && (
        <Card withBorder>
          <Title order={4} mb="xs">
            Checkpoints taken on this installation
          </Title>
          {list.data.keyId && (
            <Text size="xs" c="dimmed" mb="xs">
              Installation key {list.data.keyId}
            </Text>
          )}
          <Table striped data-testid="checkpoints-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When (UTC)</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th ta="right">Entries</Table.Th>
                <Table.Th>Head hash</Table.Th>
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
                  <Table.Td ff="monospace" fz="xs">
                    {c.head.slice(0, 16)}…
                  </Table.Td>
                  <Table.Td>
                    <Badge color={c.signatureStatus === 'valid' ? 'green' : 'red'} variant="light">
                      {c.signatureStatus}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={c.matchesChain ? 'green' : 'red'} variant="light">
                      {c.matchesChain === null ? 'chain broken' : c.matchesChain ? 'matches' : 'history differs'}
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
