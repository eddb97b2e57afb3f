/** Record that a citizen disputes an event or a confirmed restriction, in their own words. */
import { List, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { call } from '../../api';
import { refreshCases } from './refresh';
import { ReasonModal } from './ReasonModal';

export type DisputeTarget = { eventId: string; measureId?: undefined; label: string } | { measureId: string; eventId?: undefined; label: string };

export function OpenDisputeModal({ citizenId, target, onClose }: { citizenId: string; target: DisputeTarget; onClose: () => void }) {
  const qc = useQueryClient();
  const subject = target.eventId ? `event ${target.eventId}` : `the restriction “${target.label}”`;
  return (
    <ReasonModal
      title={`Dispute ${subject}`}
      label="The citizen's statement"
      description="What the citizen says is wrong, as they said it. It is kept with the dispute and shown to whoever decides it."
      placeholder="e.g. The fare was paid with a transfer ticket; the inspector did not scan it."
      maxLength={5000}
      confirmLabel="Open the dispute"
      testId="open-dispute"
      onClose={onClose}
      onConfirm={async (statement) => {
        const { disputeId } = await call('openDispute', { citizenId, statement, ...(target.eventId ? { eventId: target.eventId } : { measureId: target.measureId }) });
        notifications.show({ color: 'blue', title: `Dispute #${disputeId} opened`, message: `about ${subject}` });
        await refreshCases(qc);
      }}
    >
      <Text size="sm">
        Disputing: <b>{target.label}</b>
      </Text>
      <List size="sm" spacing={2}>
        <List.Item>The dispute is recorded with your name and gets a deadline for a decision (30 days unless the administrators set another).</List.Item>
        <List.Item>
          {target.eventId
            ? 'The event keeps counting until the dispute is upheld; upholding it retracts the event and recomputes the score.'
            : 'The restriction stays applied until the dispute is upheld; upholding it withdraws the restriction.'}
        </List.Item>
        <List.Item>An official moves it to review, then upholds or rejects it, each time with a reason.</List.Item>
      </List>
    </ReasonModal>
  );
}
