/**
 * What the citizen's tier brings: benefits apply with the tier; restrictions
 * stay "proposed — not applied" until an official confirms them for this
 * citizen with a reason, and a confirmed restriction can be disputed.
 */
import { Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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

/** Each status's words are citizen:measures.status_<status>. */
const STATUS: Record<Measure['status'], { color: string; variant: 'filled' | 'light' | 'outline' }> = {
  applies: { color: 'teal', variant: 'light' },
  proposed: { color: 'orange', variant: 'outline' },
  confirmed: { color: 'red', variant: 'filled' },
  withdrawn: { color: 'gray', variant: 'light' },
};

type Decision = { measure: Measure; decision: 'confirmed' | 'withdrawn' };

function DecisionModal({ citizenId, d, onClose }: { citizenId: string; d: Decision; onClose: () => void }) {
  const { t } = useTranslation('citizen');
  const qc = useQueryClient();
  const confirm = d.decision === 'confirmed';
  return (
    <ReasonModal
      title={confirm ? t('measures.applyTitle', { name: d.measure.name }) : t('measures.withdrawTitle', { name: d.measure.name })}
      description={t('measures.decisionHelp')}
      confirmLabel={confirm ? t('measures.confirmApply') : t('measures.withdrawButton')}
      confirmColor={confirm ? 'red' : undefined}
      testId={`measure-${confirm ? 'confirm' : 'withdraw'}`}
      onClose={onClose}
      onConfirm={async (reason) => {
        await call('decideMeasure', { citizenId, measureId: d.measure.id, decision: d.decision, reason });
        notifications.show({
          color: confirm ? 'red' : 'gray',
          title: confirm ? t('measures.confirmedNote', { name: d.measure.name }) : t('measures.withdrawnNote', { name: d.measure.name }),
          message: t('measures.forCitizen', { citizenId }),
        });
        await refreshCases(qc);
      }}
    >
      {d.measure.description && <Text size="sm">{d.measure.description}</Text>}
      <Text size="sm">
        {confirm ? t('measures.confirmEffect') : d.measure.status === 'confirmed' ? t('measures.liftEffect') : t('measures.withdrawEffect')}
      </Text>
      {d.measure.status === 'withdrawn' && d.measure.reason && (
        <Text size="sm" c="orange.8">
          <Trans t={t} i18nKey="measures.wasWithdrawn" values={{ by: d.measure.decidedBy, at: when(d.measure.decidedAt ?? ''), reason: d.measure.reason }} components={{ i: <i /> }} />
        </Text>
      )}
    </ReasonModal>
  );
}

export function MeasuresCard({ citizenId, tier, rulesetVersion }: { citizenId: string; tier: string; rulesetVersion: number }) {
  const { t } = useTranslation('citizen');
  const { mayAct } = useAccess();
  const measures = useQuery({ queryKey: ['measures', citizenId], queryFn: () => call('measures', { citizenId, purpose: purposeFor(citizenId) }) });
  const disputes = useCitizenDisputes(citizenId);
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const [disputing, setDisputing] = useState<Measure | null>(null);
  const ruleText = useRuleText();
  if (measures.error) return <ErrorNote error={measures.error} title={t('measures.loadFailed')} />;
  if (!measures.data) return null;
  if (measures.data.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="measures-empty">
        {t('measures.none', { tier, version: rulesetVersion })}
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
                  {restriction ? t('measures.restriction') : t('measures.benefit')}
                </Badge>
                <Badge color={s.color} variant={s.variant} style={{ flexShrink: 0 }} data-testid="measure-status">
                  {t(`measures.status_${m.status}`)}
                </Badge>
                {disputed.has(m.id) && (
                  <Badge color="orange" variant="filled" style={{ flexShrink: 0 }} data-testid="measure-disputed-badge">
                    {t('measures.disputed')}
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
                  <Trans
                    t={t}
                    i18nKey={m.status === 'confirmed' ? 'measures.confirmedBy' : 'measures.withdrawnBy'}
                    values={{ by: m.decidedBy, at: when(m.decidedAt ?? ''), reason: m.reason }}
                    components={{ i: <i /> }}
                  />
                </Text>
              )}
              {mayAct && restriction && (
                <Group gap={6} mt="xs">
                  {m.status !== 'confirmed' && (
                    <Button size="compact-sm" color="red" variant="light" onClick={() => setDeciding({ measure: m, decision: 'confirmed' })} data-testid="measure-confirm-button">
                      {t('measures.confirm')}
                    </Button>
                  )}
                  {m.status !== 'withdrawn' && (
                    <Button size="compact-sm" variant="default" onClick={() => setDeciding({ measure: m, decision: 'withdrawn' })} data-testid="measure-withdraw-button">
                      {t('measures.withdraw')}
                    </Button>
                  )}
                  {m.status === 'confirmed' && !disputed.has(m.id) && (
                    <Button size="compact-sm" color="orange" variant="light" onClick={() => setDisputing(m)} data-testid="measure-dispute-button">
                      {t('measures.dispute')}
                    </Button>
                  )}
                </Group>
              )}
            </Paper>
          );
        })}
      </Stack>
      <Text size="xs" c="dimmed">
        {t('measures.footer', { tier, version: rulesetVersion })}
      </Text>
      {deciding && <DecisionModal citizenId={citizenId} d={deciding} onClose={() => setDeciding(null)} />}
      {disputing && <OpenDisputeModal citizenId={citizenId} target={{ measureId: disputing.id, label: disputing.name }} onClose={() => setDisputing(null)} />}
    </Stack>
  );
}
