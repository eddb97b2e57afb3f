/**
 * Whether a purpose of access must be stated to open a record. Administrators
 * change it (with a reason, logged); auditors see how it is set.
 */
import { Alert, Group, Switch, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { call } from '../../api';
import { useAccess } from '../approvals/access';
import { ReasonModal } from '../citizen/ReasonModal';

export function PurposeSetting() {
  const { isAdmin } = useAccess();
  const qc = useQueryClient();
  const { data } = useQuery({ queryKey: ['accessSettings'], queryFn: () => call('accessSettings', {}) });
  const [changing, setChanging] = useState<boolean | null>(null);
  if (!data) return null;
  return (
    <Alert color={data.purposeRequired ? 'indigo' : 'gray'} variant="light" data-testid="purpose-setting">
      <Group justify="space-between">
        <Text size="sm">
          {data.purposeRequired
            ? 'A purpose of access is mandatory: a record opens only with a stated purpose, and an attempt without one is refused and logged.'
            : 'A purpose of access is asked whenever a record is opened, but may be left out.'}
        </Text>
        {isAdmin && (
          <Switch label="Mandatory" checked={data.purposeRequired} onChange={(e) => setChanging(e.currentTarget.checked)} data-testid="purpose-required-switch" />
        )}
      </Group>
      {changing !== null && (
        <ReasonModal
          title={changing ? 'Make the purpose of access mandatory' : 'Make the purpose of access optional'}
          description="Kept in the access log with the change"
          confirmLabel={changing ? 'Make it mandatory' : 'Make it optional'}
          testId="purpose-required"
          onClose={() => setChanging(null)}
          onConfirm={async (reason) => {
            const r = await call('setAccessSettings', { purposeRequired: changing, reason });
            notifications.show({ title: r.purposeRequired ? 'Purpose of access now mandatory' : 'Purpose of access now optional', message: 'The change is in the access log.' });
            await qc.invalidateQueries({ queryKey: ['accessSettings'] });
            await qc.invalidateQueries({ queryKey: ['accessLog'] });
          }}
        >
          <Text size="sm">{changing ? 'Every user must then state why they open a record; an attempt without a purpose is refused and logged.' : 'Users may then open a record without stating why (they are still asked).'}</Text>
        </ReasonModal>
      )}
    </Alert>
  );
}
