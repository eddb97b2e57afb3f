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
import { Trans, useTranslation } from 'react-i18next';
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
  const { t } = useTranslation('rules');
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
      notifications.show({ color: 'blue', title: t('publish.created', { id: proposalId }), message: t('publish.createdBody') });
      void queryClient.invalidateQueries({ queryKey: ['proposals'] });
    },
  });

  const reasonOk = reason.trim().length >= MIN_REASON;
  const simulated = simulation?.result?.ok && hasFigures(simulation.result) && simulation.key === draftKey ? simulation.result : null;
  const blockers = [
    !isAdmin && t('publish.notAdmin'),
    !hasChanges && t('publish.noChanges'),
    !valid && !validating && t('publish.hasProblems'),
    validating && t('publish.checking'),
    valid && !simulated && t('publish.simulateFirst'),
    proposed?.key === draftKey && t('publish.alreadyProposed', { id: proposed.proposalId }),
    !reasonOk && t('publish.reasonShort', { min: MIN_REASON }),
  ].filter((x): x is string => typeof x === 'string');
  const moves = simulated ? tierMoves(simulated.transitions, simulated.tiers) : null;

  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Title order={4}>{t('publish.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('publish.intro', { version: nextVersion })}
        </Text>
        {waiting.length > 0 && (
          <Alert color="yellow" title={t('publish.waiting', { count: waiting.length })} data-testid="pending-ruleset-proposals">
            <Stack gap={2}>
              {waiting.map((p) => (
                <Text size="sm" key={p.id}>
                  <Trans i18nKey="rules:publish.waitingItem" values={{ id: p.id, by: p.proposedBy, when: when(p.proposedAt), reason: p.reason }} components={{ i: <i /> }} />
                </Text>
              ))}
              <Anchor component={Link} href="/approvals" size="sm">
                {t('publish.reviewThem')}
              </Anchor>
            </Stack>
          </Alert>
        )}
        <ReasonField
          label={t('publish.reason')}
          description={t('publish.reasonHelp')}
          placeholder={t('publish.reasonPlaceholder')}
          value={reason}
          onChange={setReason}
          min={MIN_REASON}
          data-testid="publish-reason"
        />
        <Group>
          <Button onClick={() => setConfirming(true)} disabled={blockers.length > 0} data-testid="publish-button">
            {t('publish.propose')}
          </Button>
          {blockers.length > 0 && (
            <Text size="sm" c="dimmed">
              {t('publish.notYet', { list: blockers.join(t('publish.listSeparator')) })}
            </Text>
          )}
        </Group>
        {proposed && (
          <Alert color="blue" title={t('publish.proposedTitle', { id: proposed.proposalId })} data-testid="propose-result" withCloseButton onClose={() => setProposed(null)}>
            <Text size="sm">
              {t('publish.proposedBody')}{' '}
              <Anchor component={Link} href="/approvals" size="sm" data-testid="propose-result-link">
                {t('publish.follow')}
              </Anchor>
            </Text>
          </Alert>
        )}
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={<Text fw={700}>{t('publish.confirmTitle')}</Text>} size="lg">
        <Stack gap="sm">
          <List size="sm" spacing={4}>
            <List.Item>
              {t('publish.confirmRules', { rules: draft.rules.length, changes })}
            </List.Item>
            {simulated && moves && (
              <List.Item>
                {t('publish.confirmSimulated', { changed: count(simulated.changed), citizens: count(simulated.citizens), up: count(moves.up), down: count(moves.down) })}
              </List.Item>
            )}
            <List.Item>{t('publish.confirmNothing')}</List.Item>
          </List>
          <Text size="sm">
            <Trans i18nKey="rules:publish.confirmReason" values={{ reason: reason.trim() }} components={{ i: <i /> }} />
          </Text>
          <ErrorNote error={propose.error} title={t('publish.failed')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('publish.cancel')}
            </Button>
            <Button onClick={() => propose.mutate()} loading={propose.isPending} data-testid="publish-confirm">
              {t('publish.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
