/**
 * What the citizen's tier brings: benefits apply with the tier; restrictions
 * stay "proposed — not applied" until an official confirms them for this
 * citizen with a reason, and a confirmed restriction can be disputed.
 */
import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { Measure } from '../../../../shared/contract';
import { call, purposeFor } from '../../api';
import { when } from '../../format';
import { useAccess } from '../approvals/access';
import { ErrorNote } from '../ErrorNote';
import { isActive, useCitizenDisputes } from './disputeStatus';
import { OpenDisputeModal } from './OpenDisputeModal';
import { refreshCases } from './refresh';
import { ReasonModal } from './ReasonModal';
import { useRuleText } from '../../i18n/ruleText';

const STATUS: Record<Measure['status'], { label: string; color: string; variant: 'filled' | 'light' | 'outline' }> = {
  applies: { label: 'applies', color: 'teal', variant: 'light' },
  proposed: { label: 'proposed — not applied', color: 'orange', variant: 'outline' },
  confirmed: { label: 'confirmed — applied', color: 'red', variant: 'filled' },
  withdrawn: { label: 'withdrawn — not applied', color: 'gray', variant: 'light' },
};

type Decision = { measure: Measure; decision: 'confirmed' | 'withdrawn' };

function DecisionModal({ citizenId, d, onClose }: { citizenId: string; d: Decision; onClose: () => void }) {
  const qc = useQueryClient();
  const confirm = d.decision === 'confirmed';
  return (
    <ReasonModal
      title={`${confirm ? 'Apply' : 'Withdraw'} the restriction “${d.measure.name}”`}
      description="Why, for this citizen: recorded with your name, shown with the measure and to auditors"
      confirmLabel={confirm ? 'Confirm and apply' : 'Withdraw the restriction'}
      confirmColor={confirm ? 'red' : undefined}
      testId={`measure-${confirm ? 'confirm' : 'withdraw'}`}
      onClose={onClose}
      onConfirm={async (reason) => {
        await call('decideMeasure', { citizenId, measureId: d.measure.id, decision: d.decision, reason });
        notifications.show({ color: confirm ? 'red' : 'gray', title: `${d.measure.name}: ${confirm ? 'confirmed' : 'withdrawn'}`, message: `for ${citizenId}` });
        await refreshCases(qc);
      }}
    >
      {d.measure.description && <Text size="sm">{d.measure.description}</Text>}
      <Text size="sm">
        {confirm
          ? 'Confirming applies this restriction to the citizen from now on. The score alone never applies it: this decision is yours. The citizen can dispute it.'
          : d.measure.status === 'confirmed'
            ? 'Withdrawing lifts the restriction for this citizen from now on.'
            : 'Withdrawing records that the restriction is not to be applied to this citizen.'}
      </Text>
      {d.measure.status === 'withdrawn' && d.measure.reason && (
        <Text size="sm" c="orange.8">
          It was withdrawn by {d.measure.decidedBy} on {when(d.measure.decidedAt ?? '')}: <i>“{d.measure.reason}”</i>
        </Text>
      )}
    </ReasonModal>
  );
}

export function MeasuresCard({ citizenId, tier, rulesetVersion }: { citizenId: string; tier: string; rulesetVersion: number }) {
  const { mayAct } = useAccess();
  const measures = useQuery({ queryKey: ['measures', citizenId], queryFn: () => call('measures', { citizenId, purpose: purposeFor(citizenId) }) });
  const disputes = useCitizenDisputes(citizenId);
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const [disputing, setDisputing] = useState<Measure | null>(null);
  const ruleText = useRuleText();
  if (measures.error) return <ErrorNote error={measures.error} title="The measures could not be loaded" />;
  if (!measures.data) return null;
  if (measures.data.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="measures-empty">
        Tier {tier} brings no measures under ruleset v{rulesetVersion}.
      </Text>
    );
  }
  const disputed = new Set((disputes.data ?? []).filter((d) => d.measureId && isActive(d)).map((d) => d.measureId));
  return (
    <Stack gap="xs">
      <Stack gap="xs" data-testid="measures">
        {measures.data.map((measure) => {
          // The name and description in the reader's language, also in the dialogs opened from this row.
          const m = { ...measure, name: ruleText.name(measure), description: ruleText.text(measure).description || null };
          const s = STATUS[m.status];
          const restriction = m.kind === 'restriction';
          return (
            <Paper
              key={m.id}
              withBorder
              p="sm"
              data-testid="measure-row"
              data-measure-id={m.id}
              data-measure-status={m.status}
              style={{ borderLeft: `4px solid var(--mantine-color-${restriction ? (m.status === 'confirmed' ? 'red' : 'orange') : 'teal'}-6)` }}
            >
              <Group gap={6} wrap="wrap">
                <Text size="sm" fw={600} mr={4}>
                  {m.name}
                </Text>
                <Badge color={restriction ? 'red' : 'teal'} variant="light" style={{ flexShrink: 0 }} data-testid="measure-kind">
                  {m.kind}
                </Badge>
                <Badge color={s.color} variant={s.variant} style={{ flexShrink: 0 }} data-testid="measure-status">
                  {s.label}
                </Badge>
                {disputed.has(m.id) && (
                  <Badge color="orange" variant="filled" style={{ flexShrink: 0 }} data-testid="measure-disputed-badge">
                    disputed
                  </Badge>
                )}
              </Group>
              {m.description && (
                <Text size="xs" c="dimmed" mt={2}>
                  {m.description}
                </Text>
              )}
              {m.decidedBy && (
                <Text size="xs" mt={4} data-testid="measure-decision">
                  {m.status === 'confirmed' ? 'Confirmed' : 'Withdrawn'} by {m.decidedBy} on {when(m.decidedAt ?? '')} UTC: <i>“{m.reason}”</i>
                </Text>
              )}
              {mayAct && restriction && (
                <Group gap={6} mt="xs">
                  {m.status !== 'confirmed' && (
                    <Button size="compact-sm" color="red" variant="light" onClick={() => setDeciding({ measure: m, decision: 'confirmed' })} data-testid="measure-confirm-button">
                      Confirm…
                    </Button>
                  )}
                  {m.status !== 'withdrawn' && (
                    <Button size="compact-sm" variant="default" onClick={() => setDeciding({ measure: m, decision: 'withdrawn' })} data-testid="measure-withdraw-button">
                      Withdraw…
                    </Button>
                  )}
                  {m.status === 'confirmed' && !disputed.has(m.id) && (
                    <Button size="compact-sm" color="orange" variant="light" onClick={() => setDisputing(m)} data-testid="measure-dispute-button">
                      Dispute…
                    </Button>
                  )}
                </Group>
              )}
            </Paper>
          );
        })}
      </Stack>
      <Text size="xs" c="dimmed">
        The measures of tier {tier} under ruleset v{rulesetVersion}. A restriction is never applied by the score alone: an official confirms it for this citizen, with a reason.
      </Text>
      {deciding && <DecisionModal citizenId={citizenId} d={deciding} onClose={() => setDeciding(null)} />}
      {disputing && <OpenDisputeModal citizenId={citizenId} target={{ measureId: disputing.id, label: disputing.name }} onClose={() => setDisputing(null)} />}
    </Stack>
  );
}
