/**
 * Operations and ledger: every action that changed scores, filterable, each
 * opening on the ledger entries it wrote (#/operations/<id>); and a check of
 * the ledger's hash chain.
 */
import { Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { OperationDetails } from '../components/ops/OperationDetails';
import { OperationsList } from '../components/ops/OperationsList';
import { useVerifyLedger, VerifyLedgerButton, VerifyLedgerResult } from '../components/ops/VerifyLedger';
import { useCurrentUser } from '../components/AuthGate';
import { usePageTitle } from '../pageTitle';

export function OperationsPage({ operationId }: { operationId?: number }) {
  const { t } = useTranslation('operations');
  usePageTitle(operationId === undefined ? t('title') : t('operationTitle', { id: operationId }));
  const verify = useVerifyLedger();
  // Verifying the chain is the auditors' (and administrators') job: others are not offered a button the server refuses.
  const role = useCurrentUser()?.role;
  const mayVerify = role === 'auditor' || role === 'admin';
  return (
    <Stack maw={1400}>
      <Group justify="space-between" align="start">
        <div>
          <Title order={2}>{t('title')}</Title>
          <Text size="sm" c="dimmed">
            {t('intro')}
          </Text>
        </div>
        {mayVerify && <VerifyLedgerButton verify={verify} />}
      </Group>
      {mayVerify && <VerifyLedgerResult verify={verify} />}
      {operationId === undefined ? <OperationsList /> : <OperationDetails key={operationId} operationId={operationId} />}
    </Stack>
  );
}
