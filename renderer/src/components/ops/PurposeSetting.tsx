/**
 * Whether a purpose of access must be stated to open a record. Administrators
 * change it (with a reason, logged); auditors see how it is set.
 */
import { Alert, Group, Switch, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import { useAccess } from '../approvals/access';
import { ReasonModal } from '../citizen/ReasonModal';

export function PurposeSetting() {
  const { t } = useTranslation('accessLog');
  const { isAdmin } = useAccess();
  const qc = useQueryClient();
  const { data } = useQuery({ queryKey: ['accessSettings'], queryFn: () => call('accessSettings', {}) });
  const [changing, setChanging] = useState<boolean | null>(null);
  if (!data) return null;
  return (
    <Alert color={data.purposeRequired ? 'indigo' : 'gray'} variant="light" data-testid="purpose-setting">
      <Group justify="space-between">
        <Text size="sm">
          {data.purposeRequired ? t('purpose.mandatory') : t('purpose.optional')}
        </Text>
        {isAdmin && (
          <Switch label={t('purpose.switch')} checked={data.purposeRequired} onChange={(e) => setChanging(e.currentTarget.checked)} data-testid="purpose-required-switch" />
        )}
      </Group>
      {changing !== null && (
        <ReasonModal
          title={changing ? t('purpose.makeMandatoryTitle') : t('purpose.makeOptionalTitle')}
          description={t('purpose.description')}
          confirmLabel={changing ? t('purpose.makeMandatory') : t('purpose.makeOptional')}
          testId="purpose-required"
          onClose={() => setChanging(null)}
          onConfirm={async (reason) => {
            const r = await call('setAccessSettings', { purposeRequired: changing, reason });
            notifications.show({ title: r.purposeRequired ? t('purpose.nowMandatory') : t('purpose.nowOptional'), message: t('purpose.logged') });
            await qc.invalidateQueries({ queryKey: ['accessSettings'] });
            await qc.invalidateQueries({ queryKey: ['accessLog'] });
          }}
        >
          <Text size="sm">{changing ? t('purpose.mandatoryEffect') : t('purpose.optionalEffect')}</Text>
        </ReasonModal>
      )}
    </Alert>
  );
}
