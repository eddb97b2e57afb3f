/** Assign a dispute to a reviewer (an official or administrator), with a reason; or take the assignment away. */
import { Select, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Dispute } from '../../../../shared/contract';
import { call } from '../../api';
import { refreshCases } from './refresh';
import { ReasonModal } from './ReasonModal';

const NOBODY = '__nobody__';

export function AssignDisputeModal({ d, onClose }: { d: Dispute; onClose: () => void }) {
  const { t } = useTranslation('disputes');
  const qc = useQueryClient();
  const reviewers = useQuery({ queryKey: ['disputeReviewers'], queryFn: () => call('disputeReviewers', {}) });
  const [assignee, setAssignee] = useState<string | null>(null);
  const options = [
    ...(d.assignedTo ? [{ value: NOBODY, label: t('assign.nobody') }] : []),
    ...(reviewers.data ?? [])
      .filter((r) => r.username !== d.assignedTo)
      .map((r) => {
        const who = { name: r.displayName || r.username, username: r.username, role: t(`common:roles.${r.role}`, { defaultValue: r.role }) };
        return { value: r.username, label: r.username.toLowerCase() === d.openedBy.toLowerCase() ? t('assign.reviewerOpener', who) : t('assign.reviewer', who) };
      }),
  ];
  return (
    <ReasonModal
      title={t('assign.title', { id: d.id })}
      description={t('assign.description')}
      confirmLabel={t('assign.confirm')}
      testId="dispute-assign"
      onClose={onClose}
      onConfirm={async (reason) => {
        if (!assignee) throw new Error(t('assign.chooseFirst'));
        const to = assignee === NOBODY ? null : assignee;
        const r = await call('assignDispute', { disputeId: d.id, assignee: to, reason });
        notifications.show({ title: to ? t('assign.done', { id: d.id, to }) : t('assign.unassigned', { id: d.id }), message: t('recordedAs', { operation: r.operationId }) });
        await refreshCases(qc);
      }}
    >
      <Text size="sm">{t('assign.current', { assignee: d.assignedTo ?? t('notAssigned'), opener: d.openedBy })}</Text>
      <Select label={t('assign.reviewerLabel')} placeholder={t('assign.reviewerPlaceholder')} data={options} value={assignee} onChange={setAssignee} searchable data-testid="dispute-assign-select" comboboxProps={{ withinPortal: true }} />
    </ReasonModal>
  );
}
