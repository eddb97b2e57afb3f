/** Recomputes the ledger's hash chain on demand and says plainly whether it is intact, or where it first breaks. */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, call } from '../../api';
import { count } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { utc } from './operationKinds';

export function VerifyLedgerButton({ verify }: { verify: ReturnType<typeof useVerifyLedger> }) {
  return (
    <Button variant="light" onClick={() => void verify.refetch()} loading={verify.isFetching} data-testid="verify-ledger">
      Verify ledger
    </Button>
  );
}

/**
 * Runs only when asked; the last result stays in the cache, with the time it
 * was checked, so it is still shown after opening an operation and coming back.
 */
export function useVerifyLedger() {
  return useQuery({
    queryKey: ['verifyLedger'],
    queryFn: async () => ({ result: await call('verifyLedger', {}), at: new Date().toISOString() }),
    enabled: false,
    staleTime: Infinity,
  });
}

export function VerifyLedgerResult({ verify }: { verify: ReturnType<typeof useVerifyLedger> }) {
  const queries = useQueryClient();
  const dismiss = { withCloseButton: true, closeButtonLabel: 'Dismiss', onClose: () => void queries.resetQueries({ queryKey: ['verifyLedger'] }) };
  if (verify.error) {
    const forbidden = verify.error instanceof ApiError && verify.error.code === 'forbidden';
    return <ErrorNote error={verify.error} title={forbidden ? 'Verifying the ledger needs the auditor role' : 'The ledger could not be verified'} />;
  }
  if (!verify.data || verify.isFetching) return null;
  const { result, at } = verify.data;
  if (result.ok) {
    return (
      <Alert {...dismiss} color="green" title={result.count === 0 ? 'The ledger is empty' : `Ledger intact: all ${count(result.count)} entries verified`} data-testid="verify-result" data-ok="true">
        <Stack gap={4}>
          <Text size="sm">
            Every entry's hash was recomputed from its content, its operation and the previous entry's hash; none was altered, removed or reordered. Checked{' '}
            {utc(at)}.
          </Text>
          {result.head && (
            <Group gap="xs">
              <Text size="sm">Head hash (compare with a saved checkpoint):</Text>
              <Code data-testid="verify-head">{result.head}</Code>
              <CopyButton value={result.head}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="subtle" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          )}
        </Stack>
      </Alert>
    );
  }
  const broken = result.firstBroken;
  return (
    <Alert
      {...dismiss}
      color="red"
      title={broken !== null && broken !== undefined ? `Ledger broken at entry #${broken}` : 'Ledger broken'}
      data-testid="verify-result"
      data-ok="false"
    >
      <Stack gap={4}>
        <Text size="sm" fw={600} data-testid="verify-message">
          {result.message ?? 'The hash chain does not verify.'}
        </Text>
        <Text size="sm">
          {broken !== null && broken !== undefined
            ? `The ${count(result.count)} entries before #${broken} verify; entry #${broken} and everything after it cannot be trusted until the cause is found. `
            : ''}
          The database was changed outside Credence or is damaged: keep a copy of it as evidence and tell your IT staff. Checked {utc(at)}.
        </Text>
      </Stack>
    </Alert>
  );
}
