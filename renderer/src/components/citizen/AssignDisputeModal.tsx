/** Assign a dispute to a reviewer (an official or administrator), with a reason; or take the assignment away. */
import { Select, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { Dispute } from '../../../../shared/contract';
import { call } from '../../api';
import { refreshCases } from './refresh';
import { ReasonModal } from './ReasonModal';

const NOBODY = '__nobody__';

export function AssignDisputeModal({ d, onClose }: { d: Dispute; onClose: () => void }) {
  const qc = useQueryClient();
  const reviewers = useQuery({ queryKey: ['disputeReviewers'], queryFn: () => call('disputeReviewers', {}) });
  const [assignee, setAssignee] = useState<string | null>(null);
  const options = [
    ...(d.assignedTo ? [{ value: NOBODY, label: 'Nobody (take the assignment away)' }] : []),
    ...(reviewers.data ?? [])
      .filter((r) => r.username !== d.assignedTo)
      .map((r) => ({ value: r.username, label: `${r.displayName || r.username} (${r.username}, ${r.role})${r.username.toLowerCase() === d.openedBy.toLowerCase() ? ' — opened it, cannot decide' : ''}` })),
  ];
  return (
    <ReasonModal
      title={`Assign dispute #${d.id}`}
      description="Kept with the assignment operation"
      confirmLabel="Assign"
      testId="dispute-assign"
      onClose={onClose}
      onConfirm={async (reason) => {
        if (!assignee) throw new Error('choose a reviewer first');
        const to = assignee === NOBODY ? null : assignee;
        const r = await call('assignDispute', { disputeId: d.id, assignee: to, reason });
        notifications.show({ title: to ? `Dispute #${d.id} assigned to ${to}` : `Dispute #${d.id} unassigned`, message: `recorded as operation #${r.operationId}` });
        await refreshCases(qc);
      }}
    >
      <Text size="sm">
        Currently: <b>{d.assignedTo ?? 'not assigned'}</b>. The official who opened the dispute ({d.openedBy}) may review it but not decide it.
      </Text>
      <Select label="Reviewer" placeholder="Choose an official or administrator" data={options} value={assignee} onChange={setAssignee} searchable data-testid="dispute-assign-select" comboboxProps={{ withinPortal: true }} />
    </ReasonModal>
  );
}
