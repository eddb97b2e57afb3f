/**
 * One proposal waiting for a second person: what it is, who proposed it and
 * why, and the decision: approve or reject with a reason, or, for the
 * proposer, withdraw it. Approving a ruleset is confirmed first, since it
 * publishes and rescores everyone.
 */
import { Alert, Anchor, Badge, Button, Card, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import type { Output, Proposal } from '../../../../shared/contract';
import { call } from '../../api';
import { count, points, when } from '../../format';
import { refreshCases, refreshScores } from '../citizen/refresh';
import { ReasonModal } from '../citizen/ReasonModal';
import { ReasonField } from '../ReasonField';
import { ErrorNote } from '../ErrorNote';
import type { SimulationRun } from '../rules/SimulatePanel';
import { tierMoves } from '../rules/TransitionMatrix';
import { mayDecide, sameUser, useAccess } from './access';
import { adjustmentOf, KIND_LABEL, rulesetOf } from './proposalText';
import { RulesetProposal, simulationFor } from './RulesetProposal';

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

function AdjustmentWhat({ p }: { p: Proposal }) {
  const a = adjustmentOf(p);
  if (!a) return <Text c="red">This adjustment proposal has no readable citizen and points.</Text>;
  return (
    <Group gap="lg" data-testid="proposal-adjustment">
      <div>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Citizen
        </Text>
        <Anchor component={Link} href={`/citizen/${encodeURIComponent(a.citizenId)}`} ff="monospace" data-testid="proposal-citizen-link">
          {a.citizenId}
        </Anchor>
      </div>
      <div>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Points
        </Text>
        <Text ff="monospace" fw={700} c={a.points < 0 ? 'red.7' : 'teal.7'} data-testid="proposal-points">
          {points(a.points)}
        </Text>
      </div>
      <Text size="xs" c="dimmed" maw={420}>
        Added to the citizen's own score (within the score range) from the moment of approval; friends' penalties follow. Open the record to see the current score and its reasons.
      </Text>
    </Group>
  );
}

export function PendingProposal({ proposal: p, onPublishing, onDecided, publishing }: Props) {
  const qc = useQueryClient();
  const access = useAccess();
  const own = sameUser(p.proposedBy, access.username);
  const decides = mayDecide(p, access);
  const spec = rulesetOf(p);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [withdrawing, setWithdrawing] = useState(false);
  const [simulation, setSimulation] = useState<SimulationRun | null>(null);
  const simulated = p.kind === 'ruleset' ? simulationFor(p) : null;
  const reasonOk = reason.trim().length >= MIN_REASON;

  const decide = useMutation({
    mutationFn: (approve: boolean) => call('decideProposal', { proposalId: p.id, approve, reason: reason.trim() }),
    onSuccess: async (reply) => {
      setConfirming(false);
      if (reply.status === 'publishing' && reply.jobId) return onPublishing(p, reply.jobId);
      onDecided({ proposal: p, reply });
      await (reply.status === 'approved' ? refreshScores(qc) : refreshCases(qc));
    },
  });

  const waitingFor = p.kind === 'ruleset' ? 'another administrator' : 'another user';
  const moves = simulated ? tierMoves(simulated.transitions, simulated.tiers) : null;

  return (
    <Card withBorder padding="md" data-testid="pending-proposal" data-proposal-id={p.id} style={{ borderLeft: `4px solid var(--mantine-color-${own ? 'gray' : 'yellow'}-6)` }}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Group gap="xs">
              <Badge color={p.kind === 'ruleset' ? 'indigo' : 'grape'} variant="light" data-testid="proposal-kind">
                {KIND_LABEL[p.kind]}
              </Badge>
              <Text fw={700}>Proposal #{p.id}</Text>
              {own && (
                <Badge color="gray" variant="outline" data-testid="proposal-waiting">
                  yours — waiting for {waitingFor}
                </Badge>
              )}
            </Group>
            <Text size="sm" c="dimmed">
              proposed by <b>{p.proposedBy}</b> on {when(p.proposedAt)} UTC
            </Text>
          </div>
        </Group>
        <Text size="sm" data-testid="proposal-reason-text">
          {p.kind === 'adjustment' ? 'Justification' : 'Reason'}: <i>“{p.reason}”</i>
        </Text>

        {p.kind === 'adjustment' && <AdjustmentWhat p={p} />}
        {p.kind === 'ruleset' &&
          (spec ? (
            <RulesetProposal proposal={p} spec={spec} maySimulate={access.mayAct} run={simulation} onRun={setSimulation} />
          ) : (
            <Text c="red">This ruleset proposal has no readable ruleset.</Text>
          ))}

        {own && (
          <Group gap="sm">
            <Text size="sm" c="dimmed">
              Waiting for {waitingFor} to approve or reject it. You can withdraw it meanwhile.
            </Text>
            <Button size="xs" variant="default" onClick={() => setWithdrawing(true)} data-testid="proposal-withdraw">
              Withdraw…
            </Button>
          </Group>
        )}
        {decides && (
          <Stack gap="xs">
            <ReasonField
              label="Your reason"
              description="Required for either decision; kept with the proposal and, on approval, with the operation"
              placeholder="e.g. Checked against the council decision of 12 October"
              value={reason}
              onChange={setReason}
              min={MIN_REASON}
              required
              data-testid="proposal-reason"
            />
            <Group>
              <Button
                color="teal"
                disabled={!reasonOk || (p.kind === 'ruleset' && (publishing || !simulated))}
                loading={decide.isPending && decide.variables === true}
                onClick={() => (p.kind === 'ruleset' ? setConfirming(true) : decide.mutate(true))}
                data-testid="proposal-approve"
              >
                {p.kind === 'ruleset' ? 'Approve and publish…' : 'Approve'}
              </Button>
              <Button color="red" variant="light" disabled={!reasonOk} loading={decide.isPending && decide.variables === false} onClick={() => decide.mutate(false)} data-testid="proposal-reject">
                Reject
              </Button>
              {!reasonOk && (
                <Text size="sm" c="dimmed">
                  Give a reason to approve or reject.
                </Text>
              )}
              {p.kind === 'ruleset' && !simulated && (
                <Text size="sm" c="orange.8" data-testid="proposal-needs-simulation">
                  Approval waits for a simulation on today's data (see Simulation above).
                </Text>
              )}
              {p.kind === 'ruleset' && publishing && (
                <Text size="sm" c="dimmed">
                  A ruleset is being published; approve this one when it has finished.
                </Text>
              )}
            </Group>
            <ErrorNote error={decide.error} title="The decision was not recorded" />
          </Stack>
        )}
        {!decides && !own && (
          <Alert color="gray" variant="light" data-testid="proposal-not-yours">
            {access.mayAct && p.kind === 'ruleset'
              ? 'Only an administrator other than the proposer can approve a ruleset.'
              : 'Your role reads proposals but does not decide them.'}
          </Alert>
        )}
      </Stack>

      {withdrawing && (
        <ReasonModal
          title={`Withdraw proposal #${p.id}`}
          description="Kept with the proposal"
          placeholder="e.g. Superseded by a corrected proposal"
          confirmLabel="Withdraw the proposal"
          testId="proposal-withdraw"
          onClose={() => setWithdrawing(false)}
          onConfirm={async (why) => {
            const reply = await call('decideProposal', { proposalId: p.id, approve: false, reason: why });
            onDecided({ proposal: p, reply });
            await refreshCases(qc);
          }}
        >
          <Text size="sm">Nothing it proposes will happen; the proposal stays in the list of decided ones as withdrawn.</Text>
        </ReasonModal>
      )}
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={<Text fw={700}>Approve and publish proposal #{p.id}?</Text>} size="lg">
        <Stack gap="sm">
          <List size="sm" spacing={4}>
            <List.Item>
              {spec?.rules.length ?? 0} rules, proposed by {p.proposedBy}: <i>“{p.reason}”</i>
            </List.Item>
            {simulated && moves && (
              <List.Item>
                Simulated by {p.simulation?.ranBy}: {count(simulated.changed)} of {count(simulated.citizens)} scores change, {count(moves.up)} citizens move up a tier and {count(moves.down)} down.
              </List.Item>
            )}
            <List.Item>It is published as a new version now: every score is recomputed and each change is written to the ledger, with {p.proposedBy} as proposer and you as approver.</List.Item>
          </List>
          <Text size="sm">
            Your reason: <i>“{reason.trim()}”</i>
          </Text>
          <ErrorNote error={decide.error} title="The approval was not recorded" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button color="teal" onClick={() => decide.mutate(true)} loading={decide.isPending} data-testid="proposal-approve-confirm">
              Approve and publish
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
