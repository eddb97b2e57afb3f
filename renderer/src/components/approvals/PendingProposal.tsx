/**
 * One proposal waiting for a second person: what it is, who proposed it and
 * why, and the decision: approve or reject with a reason, or, for the
 * proposer, withdraw it. Approving a ruleset is confirmed first, since it
 * publishes and rescores everyone.
 */
import { Alert, Anchor, Badge, Button, Card, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Output, Proposal, SimulationResult } from '../../../../shared/contract';
import type { RulesetSpec } from '../../../../shared/domain';
import { call } from '../../api';
import { count, points, when } from '../../format';
import { refreshCases, refreshScores } from '../citizen/refresh';
import { ReasonModal } from '../citizen/ReasonModal';
import { ReasonField } from '../ReasonField';
import { ErrorNote } from '../ErrorNote';
import type { SimulationRun } from '../rules/SimulatePanel';
import { tierMoves } from '../rules/TransitionMatrix';
import { mayDecide, sameUser, useAccess } from './access';
import { adjustmentOf, kindLabel, rulesetOf } from './proposalText';
import { RulesetProposal, simulationFor } from './RulesetProposal';
import { FairnessAcknowledgement } from './FairnessAcknowledgement';

const MIN_REASON = 5;

export interface Decided {
  proposal: Proposal;
  reply: Output<'decideProposal'>;
}

interface Props {
  proposal: Proposal;
  /** A ruleset approval started its publish job: the page follows it. */
  onPublishing: (proposal: Proposal, jobId: string) => void;
  onDecided: (d: Decided) => void;
  /** A publish job is running: no second approval meanwhile. */
  publishing: boolean;
}

type Decide = UseMutationResult<Output<'decideProposal'>, Error, boolean>;

function AdjustmentWhat({ p }: { p: Proposal }) {
  const { t } = useTranslation('approvals');
  const a = adjustmentOf(p);
  if (!a) return <Text c="red">{t('pending.adjustmentUnreadable')}</Text>;
  return (
    <Group gap="lg" data-testid="proposal-adjustment">
      <div>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t('pending.citizen')}
        </Text>
        <Anchor component={Link} href={`/citizen/${encodeURIComponent(a.citizenId)}`} ff="monospace" data-testid="proposal-citizen-link">
          {a.citizenId}
        </Anchor>
      </div>
      <div>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t('pending.points')}
        </Text>
        <Text ff="monospace" fw={700} c={a.points < 0 ? 'red.9' : 'var(--credence-ok-text)'} data-testid="proposal-points">
          {points(a.points)}
        </Text>
      </div>
      <Text size="xs" c="dimmed" maw={420}>
        {t('pending.adjustmentHelp')}
      </Text>
    </Group>
  );
}

/** Kind, number, whose it is, who proposed it when, and why. */
function ProposalHeading({ p, own }: { p: Proposal; own: boolean }) {
  const { t } = useTranslation('approvals');
  return (
    <>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="xs">
            <Badge color={p.kind === 'ruleset' ? 'indigo' : 'grape'} variant="light" data-testid="proposal-kind">
              {kindLabel(p.kind)}
            </Badge>
            <Text fw={700}>{t('pending.number', { id: p.id })}</Text>
            {own && (
              <Badge color="gray" variant="outline" data-testid="proposal-waiting">
                {p.kind === 'ruleset' ? t('pending.yoursAdmin') : t('pending.yoursUser')}
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            <Trans i18nKey="approvals:pending.proposedBy" values={{ by: p.proposedBy, when: when(p.proposedAt) }} components={{ b: <b /> }} />
          </Text>
        </div>
      </Group>
      <Text size="sm" data-testid="proposal-reason-text">
        <Trans i18nKey={p.kind === 'adjustment' ? 'approvals:pending.justification' : 'approvals:pending.reason'} values={{ reason: p.reason }} components={{ i: <i /> }} />
      </Text>
    </>
  );
}

/** The proposer's own view: waiting for someone else, with a way to withdraw. */
function ProposerWaiting({ p, onDecided }: { p: Proposal; onDecided: (d: Decided) => void }) {
  const { t } = useTranslation('approvals');
  const qc = useQueryClient();
  const [withdrawing, setWithdrawing] = useState(false);
  return (
    <>
      <Group gap="sm">
        <Text size="sm" c="dimmed">
          {p.kind === 'ruleset' ? t('pending.ownWaitingAdmin') : t('pending.ownWaitingUser')}
        </Text>
        <Button size="xs" variant="default" onClick={() => setWithdrawing(true)} data-testid="proposal-withdraw">
          {t('pending.withdraw')}
        </Button>
      </Group>
      {withdrawing && (
        <ReasonModal
          title={t('pending.withdrawTitle', { id: p.id })}
          description={t('pending.withdrawHelp')}
          placeholder={t('pending.withdrawPlaceholder')}
          confirmLabel={t('pending.withdrawConfirm')}
          testId="proposal-withdraw"
          onClose={() => setWithdrawing(false)}
          onConfirm={async (why) => {
            const reply = await call('decideProposal', { proposalId: p.id, approve: false, reason: why });
            onDecided({ proposal: p, reply });
            await refreshCases(qc);
          }}
        >
          <Text size="sm">{t('pending.withdrawBody')}</Text>
        </ReasonModal>
      )}
    </>
  );
}

interface DecisionProps {
  p: Proposal;
  reason: string;
  onReason: (reason: string) => void;
  decide: Decide;
  /** Approving a ruleset opens the confirmation instead of deciding at once. */
  onConfirmRuleset: () => void;
  simulated: boolean;
  publishing: boolean;
}

/** The second person's decision: a reason, then approve or reject, with what still stands in the way. */
function DecisionForm({ p, reason, onReason, decide, onConfirmRuleset, simulated, publishing }: DecisionProps) {
  const { t } = useTranslation('approvals');
  const reasonOk = reason.trim().length >= MIN_REASON;
  const ruleset = p.kind === 'ruleset';
  return (
    <Stack gap="xs">
      <ReasonField
        label={t('pending.yourReason')}
        description={t('pending.yourReasonHelp')}
        placeholder={t('pending.yourReasonPlaceholder')}
        value={reason}
        onChange={onReason}
        min={MIN_REASON}
        required
        data-testid="proposal-reason"
      />
      <Group>
        <Button
          color="teal"
          disabled={!reasonOk || (ruleset && (publishing || !simulated))}
          loading={decide.isPending && decide.variables === true}
          onClick={() => (ruleset ? onConfirmRuleset() : decide.mutate(true))}
          data-testid="proposal-approve"
        >
          {ruleset ? t('pending.approveAndPublish') : t('pending.approve')}
        </Button>
        <Button color="red" variant="light" disabled={!reasonOk} loading={decide.isPending && decide.variables === false} onClick={() => decide.mutate(false)} data-testid="proposal-reject">
          {t('pending.reject')}
        </Button>
        {!reasonOk && (
          <Text size="sm" c="dimmed">
            {t('pending.giveReason')}
          </Text>
        )}
        {ruleset && !simulated && (
          <Text size="sm" c="var(--credence-warning-text)" data-testid="proposal-needs-simulation">
            {t('pending.needsSimulation')}
          </Text>
        )}
        {ruleset && publishing && (
          <Text size="sm" c="dimmed">
            {t('pending.publishingOther')}
          </Text>
        )}
      </Group>
      <ErrorNote error={decide.error} title={t('pending.decisionFailed')} />
    </Stack>
  );
}

interface ConfirmProps {
  p: Proposal;
  spec: RulesetSpec | null;
  simulated: SimulationResult | null;
  reason: string;
  decide: Decide;
  opened: boolean;
  onClose: () => void;
  acknowledgement: string;
  onAcknowledgement: (v: string) => void;
}

/** Approving a ruleset publishes it and rescores everyone: say so, with the simulation's figures, before doing it. */
function ApproveRulesetModal({ p, spec, simulated, reason, decide, opened, onClose, acknowledgement, onAcknowledgement }: ConfirmProps) {
  const { t } = useTranslation('approvals');
  const moves = simulated ? tierMoves(simulated.transitions, simulated.tiers) : null;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>{t('confirm.title', { id: p.id })}</Text>} size="lg">
      <Stack gap="sm">
        <List size="sm" spacing={4}>
          <List.Item>
            <Trans i18nKey="approvals:confirm.rules" values={{ rules: spec?.rules.length ?? 0, by: p.proposedBy, reason: p.reason }} components={{ i: <i /> }} />
          </List.Item>
          {simulated && moves && (
            <List.Item>
              {t('confirm.simulated', { by: p.simulation?.ranBy, changed: count(simulated.changed), citizens: count(simulated.citizens), up: count(moves.up), down: count(moves.down) })}
            </List.Item>
          )}
          <List.Item>{t('confirm.effect', { by: p.proposedBy })}</List.Item>
        </List>
        <Text size="sm">
          <Trans i18nKey="approvals:confirm.yourReason" values={{ reason: reason.trim() }} components={{ i: <i /> }} />
        </Text>
        <FairnessAcknowledgement report={simulated?.fairness} value={acknowledgement} onChange={onAcknowledgement} />
        <ErrorNote error={decide.error} title={t('confirm.failed')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('confirm.cancel')}
          </Button>
          <Button color="teal" onClick={() => decide.mutate(true)} loading={decide.isPending} data-testid="proposal-approve-confirm">
            {t('confirm.approve')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function PendingProposal({ proposal: p, onPublishing, onDecided, publishing }: Props) {
  const { t } = useTranslation('approvals');
  const qc = useQueryClient();
  const access = useAccess();
  const own = sameUser(p.proposedBy, access.username);
  const decides = mayDecide(p, access);
  const spec = rulesetOf(p);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [acknowledgement, setAcknowledgement] = useState('');
  const [simulation, setSimulation] = useState<SimulationRun | null>(null);
  const simulated = p.kind === 'ruleset' ? simulationFor(p) : null;

  const decide = useMutation({
    mutationFn: (approve: boolean) =>
      call('decideProposal', { proposalId: p.id, approve, reason: reason.trim(), ...(approve && acknowledgement.trim() ? { fairnessAcknowledgement: acknowledgement.trim() } : {}) }),
    onSuccess: async (reply) => {
      setConfirming(false);
      if (reply.status === 'publishing' && reply.jobId) return onPublishing(p, reply.jobId);
      onDecided({ proposal: p, reply });
      await (reply.status === 'approved' ? refreshScores(qc) : refreshCases(qc));
    },
  });

  return (
    <Card withBorder padding="md" data-testid="pending-proposal" data-proposal-id={p.id} style={{ borderLeft: `4px solid var(--mantine-color-${own ? 'gray' : 'yellow'}-6)` }}>
      <Stack gap="sm">
        <ProposalHeading p={p} own={own} />
        {p.kind === 'adjustment' && <AdjustmentWhat p={p} />}
        {p.kind === 'ruleset' &&
          (spec ? (
            <RulesetProposal proposal={p} spec={spec} maySimulate={access.mayAct} run={simulation} onRun={setSimulation} />
          ) : (
            <Text c="red">{t('pending.rulesetUnreadable')}</Text>
          ))}
        {own && <ProposerWaiting p={p} onDecided={onDecided} />}
        {decides && <DecisionForm p={p} reason={reason} onReason={setReason} decide={decide} onConfirmRuleset={() => setConfirming(true)} simulated={simulated !== null} publishing={publishing} />}
        {!decides && !own && (
          <Alert color="gray" variant="light" data-testid="proposal-not-yours">
            {access.mayAct && p.kind === 'ruleset' ? t('pending.notYoursAdmin') : t('pending.notYoursRole')}
          </Alert>
        )}
      </Stack>
      <ApproveRulesetModal p={p} spec={spec} simulated={simulated} reason={reason} decide={decide} opened={confirming} onClose={() => setConfirming(false)} acknowledgement={acknowledgement} onAcknowledgement={setAcknowledgement} />
    </Card>
  );
}
