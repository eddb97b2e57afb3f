/** Recomputes the ledger's hash chain on demand and says plainly whether it is intact, or where it first breaks. */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, call } from '../../api';
import { count } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { utc } from './operationKinds';
import { keyedMessage } from '../../i18n/serverText';

export function VerifyLedgerButton({ verify }: { verify: ReturnType<typeof useVerifyLedger> }) {
  const { t } = useTranslation('operations');
  return (
    <Button variant="light" onClick={() => void verify.refetch()} loading={verify.isFetching} data-testid="verify-ledger">
      {t('verify.button')}
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
  const { t } = useTranslation('operations');
  const queries = useQueryClient();
  const dismiss = { withCloseButton: true, closeButtonLabel: t('verify.dismiss'), onClose: () => void queries.resetQueries({ queryKey: ['verifyLedger'] }) };
  if (verify.error) {
    const forbidden = verify.error instanceof ApiError && verify.error.code === 'forbidden';
    return <ErrorNote error={verify.error} title={forbidden ? t('verify.needsAuditor') : t('verify.failed')} />;
  }
  if (!verify.data || verify.isFetching) return null;
  const { result, at } = verify.data;
  if (result.ok) {
    return (
      <Alert {...dismiss} color="green" title={result.count === 0 ? t('verify.empty') : t('verify.intact', { total: count(result.count) })} data-testid="verify-result" data-ok="true">
        <Stack gap={4}>
          <Text size="sm">{t('verify.intactBody', { at: utc(at) })}</Text>
          {result.head && (
            <Group gap="xs">
              <Text size="sm">{t('verify.head')}</Text>
              <Code data-testid="verify-head">{result.head}</Code>
              <CopyButton value={result.head}>
                {({ copied, copy }) => (
                  <Button size="compact-xs" variant="subtle" onClick={copy}>
                    {copied ? t('verify.copied') : t('verify.copy')}
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
      title={broken !== null && broken !== undefined ? t('verify.brokenAt', { entry: broken }) : t('verify.broken')}
      data-testid="verify-result"
      data-ok="false"
    >
      <Stack gap={4}>
        <Text size="sm" fw={600} data-testid="verify-message">
          {result.message !== undefined ? keyedMessage({ key: result.key, params: result.params, message: result.message }) : t('verify.noVerify')}
        </Text>
        <Text size="sm">
          {broken !== null && broken !== undefined ? t('verify.brokenBodyAt', { total: count(result.count), entry: broken, at: utc(at) }) : t('verify.brokenBody', { at: utc(at) })}
        </Text>
      </Stack>
    </Alert>
  );
}
