/**
 * Propose the draft for publication under the two-person rule: a written
 * reason, a confirmation that says what will happen, and a pointer to the
 * Approvals page, where another administrator reviews it with the proposer's
 * simulation (stored with the proposal) and approves it. Only that approval
 * publishes the new version; an unsimulated draft cannot be proposed.
 */
import { Alert, Anchor, Button, Card, Group, List, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { call } from '../../api';
import { count, when } from '../../format';
import { useAccess } from '../approvals/access';
import { ReasonField } from '../ReasonField';
import { ErrorNote } from '../ErrorNote';
import type { DraftRuleset, Problem } from './draft';
import { hasFigures, type SimulationRun } from './SimulatePanel';
import { tierMoves } from './TransitionMatrix';

interface Props {
  draft: DraftRuleset;
  draftKey: string;
  changes: string;
  hasChanges: boolean;
  valid: boolean;
  validating: boolean;
  nextVersion: number;
  simulation: SimulationRun | null;
  /**
   * The Rules page still passes these from when this panel published
   * directly. A proposal publishes nothing, so the draft is kept (it equals
   * the published ruleset once approved) and there is no publish result.
   */
  ruleNames?: Map<string, string>;
  onPublished?: (publishedKey: string) => void;
  onOpenProblem?: (p: Problem) => void;
}

const MIN_REASON = 10;

export function PublishPanel({ draft, draftKey, changes, hasChanges, valid, validating, nextVersion, simulation }: Props) {
  const queryClient = useQueryClient();
  const { isAdmin } = useAccess();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [proposed, setProposed] = useState<{ proposalId: number; key: string } | null>(null);
  const pending = useQuery({ queryKey: ['proposals', 'pending'], queryFn: () => call('proposals', { status: 'pending' }) });
  const waiting = (pending.data ?? []).filter((p) => p.kind === 'ruleset');
  const propose = useMutation({
    mutationFn: () => call('proposeRuleset', { ruleset: draft, reason: reason.trim(), simulationJobId: simulation?.jobId ?? '' }),
    onSuccess: ({ proposalId }) => {
      setConfirming(false);
      setProposed({ proposalId, key: draftKey });
      setReason('');
      notifications.show({ color: 'blue', title: `Proposal #${proposalId} created`, message: 'Another administrator must approve it before it is published.' });
      void queryClient.invalidateQueries({ queryKey: ['proposals'] });
    },
  });

  const reasonOk = reason.trim().length >= MIN_REASON;
  const simulated = simulation?.result?.ok && hasFigures(simulation.result) && simulation.key === draftKey ? simulation.result : null;
  const blockers = [
    !isAdmin && 'only an administrator can propose a ruleset',
    !hasChanges && 'the draft is the same as the published ruleset',
    !valid && !validating && 'the draft has problems',
    validating && 'the draft is being checked',
    valid && !simulated && 'simulate this draft first (Simulate tab): the approver sees your simulation',
    proposed?.key === draftKey && `this draft is already proposal #${proposed.proposalId}`,
    !reasonOk && `write a reason of at least ${MIN_REASON} characters`,
  ].filter(Boolean) as string[];
  const moves = simulated ? tierMoves(simulated.transitions, simulated.tiers) : null;

  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={4}>Propose for approval</Title>
        <Text size="sm" c="dimmed">
          Publishing needs two administrators. You propose the draft with a reason; another administrator reviews it on the Approvals page (what it changes and your simulation, run again if the data has changed since) and approves or rejects it. Only the approval
          publishes it, as version {nextVersion} unless another version comes first: every score is recomputed and each change is written to the ledger, with both names on the operation.
        </Text>
        {waiting.length > 0 && (
          <Alert color="yellow" title={`${waiting.length === 1 ? 'A ruleset proposal is' : `${waiting.length} ruleset proposals are`} already waiting`} data-testid="pending-ruleset-proposals">
            <Stack gap={2}>
              {waiting.map((p) => (
                <Text size="sm" key={p.id}>
                  #{p.id} by {p.proposedBy} on {when(p.proposedAt)}: <i>“{p.reason}”</i>
                </Text>
              ))}
              <Anchor component={Link} href="/approvals" size="sm">
                Review them on the Approvals page
              </Anchor>
            </Stack>
          </Alert>
        )}
        <ReasonField
          label="Reason"
          description="Why this change: the approver reads it, and it is kept with the version and shown to auditors"
          placeholder="e.g. Cap volunteering at +30 after the council decision of 12 October"
          value={reason}
          onChange={setReason}
          min={MIN_REASON}
          data-testid="publish-reason"
        />
        <Group>
          <Button onClick={() => setConfirming(true)} disabled={blockers.length > 0} data-testid="publish-button">
            Propose for approval…
          </Button>
          {blockers.length > 0 && (
            <Text size="sm" c="dimmed">
              Not yet: {blockers.join('; ')}.
            </Text>
          )}
        </Group>
        {proposed && (
          <Alert color="blue" title={`Proposal #${proposed.proposalId} is waiting for another administrator`} data-testid="propose-result" withCloseButton onClose={() => setProposed(null)}>
            <Text size="sm">
              Nothing is published yet. Your draft stays in the editor; once the proposal is approved it is the published ruleset.{' '}
              <Anchor component={Link} href="/approvals" size="sm" data-testid="propose-result-link">
                Follow it on the Approvals page
              </Anchor>
            </Text>
          </Alert>
        )}
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={<Text fw={700}>Propose this draft for approval?</Text>} size="lg">
        <Stack gap="sm">
          <List size="sm" spacing={4}>
            <List.Item>
              {draft.rules.length} rules; compared with the published ruleset: {changes}.
            </List.Item>
            {simulated && moves && (
              <List.Item>
                Simulated: {count(simulated.changed)} of {count(simulated.citizens)} scores change, {count(moves.up)} citizens move up a tier and {count(moves.down)} down. This simulation goes with the proposal for the approver.
              </List.Item>
            )}
            <List.Item>Nothing changes now. The proposal waits until another administrator approves it (which publishes it) or rejects it; you can withdraw it meanwhile.</List.Item>
          </List>
          <Text size="sm">
            Reason: <i>“{reason.trim()}”</i>
          </Text>
          <ErrorNote error={propose.error} title="The proposal was not made" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button onClick={() => propose.mutate()} loading={propose.isPending} data-testid="publish-confirm">
              Propose for approval
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
