/**
 * Approvals: the two-person rule at work. Proposals waiting for a second
 * person come first, oldest first (a queue); each can be approved or
 * rejected with a reason by someone other than its proposer, who may only
 * withdraw it. Decided proposals follow, with the operation they produced.
 */
import { Alert, Anchor, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Proposal } from '../../../shared/contract';
import { call } from '../api';
import { adjustmentOf } from '../components/approvals/proposalText';
import { PastProposals } from '../components/approvals/PastProposals';
import { PendingProposal, type Decided } from '../components/approvals/PendingProposal';
import { PublishFollow, type PublishRun } from '../components/approvals/PublishFollow';
import { ErrorNote } from '../components/ErrorNote';
import { points } from '../format';
import { usePageTitle } from '../pageTitle';

function DecidedNote({ d, onClose }: { d: Decided; onClose: () => void }) {
  const { t } = useTranslation('approvals');
  const a = adjustmentOf(d.proposal);
  const status = t(`status.${d.reply.status}`);
  const color = d.reply.status === 'approved' ? 'teal' : 'gray';
  return (
    <Alert color={color} withCloseButton onClose={onClose} data-testid="decision-result">
      {a ? t('outcome.adjustment', { id: d.proposal.id, points: points(a.points), citizenId: a.citizenId, status }) : t('outcome.ruleset', { id: d.proposal.id, status })}
      {a && d.reply.status === 'approved' && (
        <>
          {' '}
          <Trans
            i18nKey="approvals:outcome.scoreUpdated"
            values={{ citizenId: a.citizenId }}
            components={{ lnk: <Anchor component={Link} href={`/citizen/${encodeURIComponent(a.citizenId)}`} size="sm" /> }}
          />
        </>
      )}
      {d.reply.operationId !== null && (
        <>
          {' · '}
          <Anchor component={Link} href={`/operations/${d.reply.operationId}`} size="sm">
            {t('outcome.operation', { id: d.reply.operationId })}
          </Anchor>
        </>
      )}
    </Alert>
  );
}

export function ApprovalsPage() {
  const { t } = useTranslation('approvals');
  usePageTitle(t('title'));
  const pending = useQuery({ queryKey: ['proposals', 'pending'], queryFn: () => call('proposals', { status: 'pending' }) });
  const all = useQuery({ queryKey: ['proposals', 'all'], queryFn: () => call('proposals', {}) });
  const [publish, setPublish] = useState<PublishRun | null>(null);
  const [decided, setDecided] = useState<Decided[]>([]);
  if (pending.isLoading) return <Loader />;
  const publishingId = publish && !publish.status ? publish.proposal.id : null;
  // The approved proposal leaves the queue at once, not when the refetch lands; a failed publish leaves it pending.
  const hiddenId = publish && (!publish.status || publish.status.state === 'done') ? publish.proposal.id : null;
  const queue = [...(pending.data ?? [])].filter((p) => p.id !== hiddenId).sort((a, b) => a.id - b.id);
  const past = (all.data ?? []).filter((p: Proposal) => p.status !== 'pending');

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>{t('title')}</Title>
        <Text size="sm" c="dimmed" maw={900}>
          {t('intro')}
        </Text>
      </div>

      {publish && <PublishFollow run={publish} onFinished={(status) => setPublish((r) => (r ? { ...r, status } : r))} onDismiss={() => setPublish(null)} />}
      {decided.map((d) => (
        <DecidedNote key={d.proposal.id} d={d} onClose={() => setDecided((list) => list.filter((x) => x !== d))} />
      ))}

      <Title order={3}>{t('waiting', { n: queue.length })}</Title>
      <ErrorNote error={pending.error} title={t('pendingFailed')} />
      {queue.length === 0 && !pending.error && (
        <Text c="dimmed" data-testid="no-pending">
          {t('nothingWaiting')}
        </Text>
      )}
      {queue.map((p) => (
        <PendingProposal
          key={p.id}
          proposal={p}
          publishing={publishingId !== null}
          onPublishing={(proposal, jobId) => setPublish({ proposal, jobId })}
          onDecided={(d) => setDecided((list) => [d, ...list])}
        />
      ))}

      <Title order={3} mt="md">
        {t('decided')}
      </Title>
      <ErrorNote error={all.error} title={t('decidedFailed')} />
      {all.data && <PastProposals proposals={past} />}
      {all.data && all.data.length >= 200 && (
        <Text size="xs" c="dimmed">
          {t('latest200')}
        </Text>
      )}
    </Stack>
  );
}
