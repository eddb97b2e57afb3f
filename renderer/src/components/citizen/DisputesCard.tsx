/**
 * The citizen's disputes, active ones first: what is disputed, the citizen's
 * statement, the deadline (overdue in red), every step with who, when and
 * why, and for officials the next step: review, then uphold or reject.
 */
import { Anchor, Badge, Button, Group, Paper, Stack, Text, Timeline } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import i18next from '../../i18n';
import { operationKindLabel } from '../ops/operationKinds';
import { eventKindLabel } from './eventKinds';
import { Link } from 'wouter';
import type { Dispute } from '../../../../shared/contract';
import { call, purposeFor } from '../../api';
import { when } from '../../format';
import { sameUser, useAccess } from '../approvals/access';
import { AssignDisputeModal } from './AssignDisputeModal';
import { ErrorNote } from '../ErrorNote';
import { deadlineText, DISPUTE_COLOR, disputeLabel, isActive, useCitizenDisputes } from './disputeStatus';
import { useCitizenEvents } from './EventList';
import { refreshCases, refreshScores } from './refresh';
import { ReasonModal } from './ReasonModal';
import { DisputeContact } from './EventSource';
import { readReason } from '../../i18n/systemReason';

type Step = 'under_review' | 'upheld' | 'rejected';

export function DisputeStatusBadge({ d }: { d: Dispute }) {
  const { t } = useTranslation('disputes');
  return (
    <Group gap={4}>
      <Badge color={DISPUTE_COLOR[d.status]} variant={isActive(d) ? 'filled' : 'light'} data-testid="dispute-status">
        {disputeLabel(d.status)}
      </Badge>
      {d.overdue && (
        <Badge color="red" variant="filled" data-testid="dispute-overdue">
          {t('overdue')}
        </Badge>
      )}
    </Group>
  );
}

/** The reason the service stores for a dispute's first step (electron/services/disputes.ts). */

/** When a closed dispute was decided, measured against its deadline. */
function decidedText(d: Dispute): string {
  const decided = d.history[d.history.length - 1];
  if (!decided) return i18next.t('disputes:card.deadlineWas', { deadline: when(d.deadline) });
  const times = { at: when(decided.at), deadline: when(d.deadline) };
  return decided.at <= d.deadline ? i18next.t('disputes:card.decidedWithin', times) : i18next.t('disputes:card.decidedAfter', times);
}

function useSubjects(citizenId: string) {
  const { t } = useTranslation('disputes');
  const { rows } = useCitizenEvents(citizenId);
  const measures = useQuery({ queryKey: ['measures', citizenId], queryFn: () => call('measures', { citizenId, purpose: purposeFor(citizenId) }) });
  const subjectOf = (d: Dispute): string => {
    if (d.eventId) {
      const ev = rows.find((r) => r.eventId === d.eventId);
      return ev ? t('card.subjectEventOf', { event: d.eventId, kind: eventKindLabel(ev.kind), at: when(ev.occurredAt) }) : t('card.subjectEvent', { event: d.eventId });
    }
    const m = measures.data?.find((x) => x.id === d.measureId);
    return m ? t('card.subjectRestrictionNamed', { name: m.name }) : t('card.subjectRestriction', { id: d.measureId });
  };
  /** Restrictions are decided per ruleset version: after a new version (or a tier change) the disputed decision may no longer be in force. */
  const measureNote = (d: Dispute): string | null => {
    if (!d.measureId || !isActive(d) || !measures.data) return null;
    const m = measures.data.find((x) => x.id === d.measureId);
    if (!m) return t('card.noLongerWithTier');
    if (m.status !== 'confirmed') return m.status === 'withdrawn' ? t('card.nowWithdrawn') : t('card.notConfirmed');
    return null;
  };
  return { subjectOf, measureNote };
}

function StepModal({ d, step, subject, onClose }: { d: Dispute; step: Step; subject: string; onClose: () => void }) {
  const { t } = useTranslation('disputes');
  const qc = useQueryClient();
  const text: Record<Step, { title: string; button: string; color?: string; effect: string }> = {
    under_review: { title: t('step.reviewTitle', { id: d.id }), button: t('step.reviewButton'), effect: t('step.reviewEffect') },
    upheld: {
      title: t('step.upholdTitle', { id: d.id }),
      button: t('step.upholdButton'),
      color: 'teal',
      effect: d.eventId ? t('step.upholdEffectEvent', { subject }) : t('step.upholdEffectRestriction', { subject }),
    },
    rejected: {
      title: t('step.rejectTitle', { id: d.id }),
      button: t('step.rejectButton'),
      color: 'red',
      effect: d.eventId ? t('step.rejectEffectEvent', { subject }) : t('step.rejectEffectRestriction', { subject }),
    },
  };
  const words = text[step];
  return (
    <ReasonModal
      title={words.title}
      description={t('step.description')}
      confirmLabel={words.button}
      confirmColor={words.color}
      testId={`dispute-${step}`}
      onClose={onClose}
      onConfirm={async (reason) => {
        const r = await call('moveDispute', { disputeId: d.id, status: step, reason });
        notifications.show({ color: DISPUTE_COLOR[step], title: t('step.done', { id: d.id, status: disputeLabel(step) }), message: r.operationId ? t('recordedAs', { operation: r.operationId }) : undefined });
        await (step === 'upheld' ? refreshScores(qc) : refreshCases(qc));
      }}
    >
      <Text size="sm">
        {t('step.disputed')} <b>{subject}</b>
      </Text>
      <Text size="sm">
        {t('card.statement')} <i>“{d.statement}”</i>
      </Text>
      <Text size="sm">{words.effect}</Text>
    </ReasonModal>
  );
}

function DisputeItem({ d, subject, note, mayAct }: { d: Dispute; subject: string; note: string | null; mayAct: boolean }) {
  const { t } = useTranslation('disputes');
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
            <Text fw={600}>{t('card.title', { id: d.id })}</Text>
            <DisputeStatusBadge d={d} />
          </Group>
          <Text size="sm">{subject}</Text>
          <Text size="xs" c="dimmed" data-testid="dispute-people">
            {d.assignedTo ? t('card.peopleAssigned', { opener: d.openedBy, assignee: d.assignedTo }) : t('card.peopleUnassigned', { opener: d.openedBy })}
          </Text>
          <DisputeContact source={d.source} />
          <Text size="xs" c={d.overdue ? 'red.9' : 'dimmed'} fw={d.overdue ? 600 : undefined} data-testid="dispute-deadline">
            {active ? t('card.due', { deadline: when(d.deadline), left: deadlineText(d.deadline) }) : decidedText(d)}
          </Text>
        </div>
        {mayAct && active && (
          <Group gap="xs" wrap="nowrap">
            <Button size="xs" variant="default" onClick={() => setAssigning(true)} data-testid="dispute-assign-button">
              {t('card.assign')}
            </Button>
            {d.status === 'open' && (
              <Button size="xs" variant="light" onClick={() => setStep('under_review')} data-testid="dispute-review-button">
                {t('card.startReview')}
              </Button>
            )}
            {d.status === 'under_review' && opener && (
              <Text size="xs" c="dimmed" maw={220} data-testid="dispute-second-person">
                {t('card.secondPerson')}
              </Text>
            )}
            {d.status === 'under_review' && !opener && (
              <>
                <Button size="xs" color="teal" onClick={() => setStep('upheld')} data-testid="dispute-uphold-button">
                  {t('card.uphold')}
                </Button>
                <Button size="xs" color="red" variant="light" onClick={() => setStep('rejected')} data-testid="dispute-reject-button">
                  {t('card.reject')}
                </Button>
              </>
            )}
          </Group>
        )}
      </Group>
      {note && (
        <Text size="xs" c="var(--credence-warning-text)" mt={4} data-testid="dispute-measure-note">
          {note}
        </Text>
      )}
      <Text size="sm" mt="xs" data-testid="dispute-statement">
        {t('card.statement')} <i>“{d.statement}”</i>
      </Text>
      <Timeline mt="sm" bulletSize={12} lineWidth={2} active={d.history.length - 1} color={DISPUTE_COLOR[d.status]} data-testid="dispute-history">
        {d.history.map((h, i) => (
          <Timeline.Item
            key={i}
            title={
              <Group gap={8}>
                <Text size="sm" fw={600}>
                  {disputeLabel(h.status)}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('card.historyBy', { at: when(h.at), by: h.by })}
                </Text>
              </Group>
            }
          >
            {/* The opening step's reason is written by the service itself (electron/services/disputes.ts), in English: shown in the reader's language. */}
            <Text size="sm">{readReason(h.reason)}</Text>
          </Timeline.Item>
        ))}
      </Timeline>
      {d.operationId !== null && (
        <Text size="sm" mt="xs">
          <Trans
            t={t}
            i18nKey="card.retractedBy"
            values={{ operation: d.operationId, kind: operationKindLabel('appeal_decided').toLocaleLowerCase() }}
            components={{ op: <Anchor component={Link} href={`/operations/${d.operationId}`} data-testid="dispute-operation" /> }}
          />
        </Text>
      )}
      {d.outcomeNote && (
        <Text size="sm" mt="xs" c="var(--credence-warning-text)" data-testid="dispute-outcome-note">
          {d.outcomeNote}
        </Text>
      )}
      {step && <StepModal d={d} step={step} subject={subject} onClose={() => setStep(null)} />}
      {assigning && <AssignDisputeModal d={d} onClose={() => setAssigning(false)} />}
    </Paper>
  );
}

export function DisputesCard({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('disputes');
  const { mayAct } = useAccess();
  const disputes = useCitizenDisputes(citizenId);
  const { subjectOf, measureNote } = useSubjects(citizenId);
  if (disputes.error) return <ErrorNote error={disputes.error} title={t('loadFailed')} />;
  if (!disputes.data) return null;
  // Active ones first, soonest deadline first (the server's order); decided ones after, newest first.
  const list = [...disputes.data.filter(isActive), ...disputes.data.filter((d) => !isActive(d)).sort((a, b) => b.id - a.id)];
  if (list.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="disputes-empty">
        {mayAct ? t('card.noneMayAct') : t('card.none')}
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
