/**
 * The citizen's disputes, active ones first: what is disputed, the citizen's
 * statement, the deadline (overdue in red), every step with who, when and
 * why, and for officials the next step: review, then uphold or reject.
 */
import { Anchor, Badge, Button, Group, Paper, Stack, Text, Timeline } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Link } from 'wouter';
import type { Dispute } from '../../../../shared/contract';
import { call, purposeFor } from '../../api';
import { when } from '../../format';
import { sameUser, useAccess } from '../approvals/access';
import { AssignDisputeModal } from './AssignDisputeModal';
import { ErrorNote } from '../ErrorNote';
import { deadlineText, DISPUTE_COLOR, DISPUTE_LABEL, isActive, useCitizenDisputes } from './disputeStatus';
import { useCitizenEvents } from './EventList';
import { refreshCases, refreshScores } from './refresh';
import { ReasonModal } from './ReasonModal';
import { DisputeContact } from './EventSource';

type Step = 'under_review' | 'upheld' | 'rejected';

export function DisputeStatusBadge({ d }: { d: Dispute }) {
  return (
    <Group gap={4}>
      <Badge color={DISPUTE_COLOR[d.status]} variant={isActive(d) ? 'filled' : 'light'} data-testid="dispute-status">
        {DISPUTE_LABEL[d.status]}
      </Badge>
      {d.overdue && (
        <Badge color="red" variant="filled" data-testid="dispute-overdue">
          overdue
        </Badge>
      )}
    </Group>
  );
}

/** When a closed dispute was decided, measured against its deadline. */
function decidedText(d: Dispute): string {
  const decided = d.history[d.history.length - 1];
  if (!decided) return `Deadline was ${when(d.deadline)} UTC`;
  return `Decided ${when(decided.at)} UTC, ${decided.at <= d.deadline ? 'within' : 'after'} the deadline of ${when(d.deadline)} UTC`;
}

function useSubjects(citizenId: string) {
  const { rows } = useCitizenEvents(citizenId);
  const measures = useQuery({ queryKey: ['measures', citizenId], queryFn: () => call('measures', { citizenId, purpose: purposeFor(citizenId) }) });
  const subjectOf = (d: Dispute): string => {
    if (d.eventId) {
      const ev = rows.find((r) => r.eventId === d.eventId);
      return ev ? `event ${d.eventId}: ${ev.kind.replace(/_/g, ' ')} of ${when(ev.occurredAt)}` : `event ${d.eventId}`;
    }
    const m = measures.data?.find((x) => x.id === d.measureId);
    return `restriction ${m ? `“${m.name}”` : d.measureId}`;
  };
  /** Restrictions are decided per ruleset version: after a new version (or a tier change) the disputed decision may no longer be in force. */
  const measureNote = (d: Dispute): string | null => {
    if (!d.measureId || !isActive(d) || !measures.data) return null;
    const m = measures.data.find((x) => x.id === d.measureId);
    if (!m) return 'This restriction no longer comes with the citizen’s tier: it is not applied.';
    if (m.status !== 'confirmed') return `Under the current ruleset this restriction is ${m.status === 'withdrawn' ? 'withdrawn' : 'not confirmed'}: it is not applied.`;
    return null;
  };
  return { subjectOf, measureNote };
}

function StepModal({ d, step, subject, onClose }: { d: Dispute; step: Step; subject: string; onClose: () => void }) {
  const qc = useQueryClient();
  const text: Record<Step, { title: string; button: string; color?: string; effect: string }> = {
    under_review: { title: `Start reviewing dispute #${d.id}`, button: 'Start the review', effect: 'The dispute moves to “under review”; it can then be upheld or rejected.' },
    upheld: {
      title: `Uphold dispute #${d.id}`,
      button: 'Uphold the dispute',
      color: 'teal',
      effect: d.eventId
        ? `Upholding retracts ${subject}: it stops counting, the score is recomputed now and the ledger entries point at an “appeal decided” operation with your name and reason.`
        : `Upholding withdraws the ${subject} for this citizen.`,
    },
    rejected: {
      title: `Reject dispute #${d.id}`,
      button: 'Reject the dispute',
      color: 'red',
      effect: d.eventId ? `${subject} stays on record and keeps counting.` : `The ${subject} stays applied.`,
    },
  };
  const t = text[step];
  return (
    <ReasonModal
      title={t.title}
      description="Kept in the dispute's history and shown to the citizen's case handlers and auditors"
      confirmLabel={t.button}
      confirmColor={t.color}
      testId={`dispute-${step}`}
      onClose={onClose}
      onConfirm={async (reason) => {
        const r = await call('moveDispute', { disputeId: d.id, status: step, reason });
        notifications.show({ color: DISPUTE_COLOR[step], title: `Dispute #${d.id} ${DISPUTE_LABEL[step]}`, message: r.operationId ? `recorded as operation #${r.operationId}` : undefined });
        await (step === 'upheld' ? refreshScores(qc) : refreshCases(qc));
      }}
    >
      <Text size="sm">
        Disputed: <b>{subject}</b>
      </Text>
      <Text size="sm">
        Citizen's statement: <i>“{d.statement}”</i>
      </Text>
      <Text size="sm">{t.effect}</Text>
    </ReasonModal>
  );
}

function DisputeItem({ d, subject, note, mayAct }: { d: Dispute; subject: string; note: string | null; mayAct: boolean }) {
  const [step, setStep] = useState<Step | null>(null);
  const [assigning, setAssigning] = useState(false);
  const { username } = useAccess();
  const active = isActive(d);
  // Separation of duties: the server refuses the opener's decision; the console says so instead of offering it.
  const opener = sameUser(d.openedBy, username);
  return (
    <Paper withBorder p="sm" data-testid="dispute" data-dispute-id={d.id} style={d.overdue ? { borderLeft: '4px solid var(--mantine-color-red-6)' } : undefined}>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Group gap="xs">
            <Text fw={600}>Dispute #{d.id}</Text>
            <DisputeStatusBadge d={d} />
          </Group>
          <Text size="sm">{subject}</Text>
          <Text size="xs" c="dimmed" data-testid="dispute-people">
            Opened by {d.openedBy} · {d.assignedTo ? `assigned to ${d.assignedTo}` : 'not assigned'}
          </Text>
          <DisputeContact source={d.source} />
          <Text size="xs" c={d.overdue ? 'red.7' : 'dimmed'} fw={d.overdue ? 600 : undefined} data-testid="dispute-deadline">
            {active ? `Decision due ${when(d.deadline)} UTC (${deadlineText(d.deadline)})` : decidedText(d)}
          </Text>
        </div>
        {mayAct && active && (
          <Group gap="xs" wrap="nowrap">
            <Button size="xs" variant="default" onClick={() => setAssigning(true)} data-testid="dispute-assign-button">
              Assign…
            </Button>
            {d.status === 'open' && (
              <Button size="xs" variant="light" onClick={() => setStep('under_review')} data-testid="dispute-review-button">
                Start review…
              </Button>
            )}
            {d.status === 'under_review' && opener && (
              <Text size="xs" c="dimmed" maw={220} data-testid="dispute-second-person">
                You opened this dispute: another official decides it.
              </Text>
            )}
            {d.status === 'under_review' && !opener && (
              <>
                <Button size="xs" color="teal" onClick={() => setStep('upheld')} data-testid="dispute-uphold-button">
                  Uphold…
                </Button>
                <Button size="xs" color="red" variant="light" onClick={() => setStep('rejected')} data-testid="dispute-reject-button">
                  Reject…
                </Button>
              </>
            )}
          </Group>
        )}
      </Group>
      {note && (
        <Text size="xs" c="orange.8" mt={4} data-testid="dispute-measure-note">
          {note}
        </Text>
      )}
      <Text size="sm" mt="xs" data-testid="dispute-statement">
        Citizen's statement: <i>“{d.statement}”</i>
      </Text>
      <Timeline mt="sm" bulletSize={12} lineWidth={2} active={d.history.length - 1} color={DISPUTE_COLOR[d.status]} data-testid="dispute-history">
        {d.history.map((h, i) => (
          <Timeline.Item
            key={i}
            title={
              <Group gap={8}>
                <Text size="sm" fw={600}>
                  {DISPUTE_LABEL[h.status as Dispute['status']] ?? h.status}
                </Text>
                <Text size="xs" c="dimmed">
                  {when(h.at)} UTC · {h.by}
                </Text>
              </Group>
            }
          >
            <Text size="sm">{h.reason}</Text>
          </Timeline.Item>
        ))}
      </Timeline>
      {d.operationId !== null && (
        <Text size="sm" mt="xs">
          The event was retracted by{' '}
          <Anchor component={Link} href={`/operations/${d.operationId}`} data-testid="dispute-operation">
            operation #{d.operationId} (appeal decided)
          </Anchor>
          .
        </Text>
      )}
      {d.outcomeNote && (
        <Text size="sm" mt="xs" c="orange.9" data-testid="dispute-outcome-note">
          {d.outcomeNote}
        </Text>
      )}
      {step && <StepModal d={d} step={step} subject={subject} onClose={() => setStep(null)} />}
      {assigning && <AssignDisputeModal d={d} onClose={() => setAssigning(false)} />}
    </Paper>
  );
}

export function DisputesCard({ citizenId }: { citizenId: string }) {
  const { mayAct } = useAccess();
  const disputes = useCitizenDisputes(citizenId);
  const { subjectOf, measureNote } = useSubjects(citizenId);
  if (disputes.error) return <ErrorNote error={disputes.error} title="The disputes could not be loaded" />;
  if (!disputes.data) return null;
  // Active ones first, soonest deadline first (the server's order); decided ones after, newest first.
  const list = [...disputes.data.filter(isActive), ...disputes.data.filter((d) => !isActive(d)).sort((a, b) => b.id - a.id)];
  if (list.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="disputes-empty">
        No disputes. {mayAct ? 'Record one from an event in the list below, or from a confirmed restriction, with the citizen’s statement.' : ''}
      </Text>
    );
  }
  return (
    <Stack gap="sm" data-testid="disputes">
      {list.map((d) => (
        <DisputeItem key={d.id} d={d} subject={subjectOf(d)} note={measureNote(d)} mayAct={mayAct} />
      ))}
    </Stack>
  );
}
