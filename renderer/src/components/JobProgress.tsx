/** Follows a long job: progress, phase, a cancel button, and the result once it ends. */
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobStatus } from '../../../shared/contract';
import { call } from '../api';
import { overallProgress, phaseText, remainingText } from './jobPhases';
import { jobErrorText } from '../i18n/serverText';

export function JobProgress({ jobId, onFinished }: { jobId: string; onFinished?: (status: JobStatus) => void }) {
  const { t } = useTranslation('jobs');
  const { data } = useQuery({
    queryKey: ['job', jobId],
    queryFn: () => call('jobStatus', { jobId }),
    refetchInterval: (q) => (q.state.data && q.state.data.state !== 'running' ? false : 250),
  });
  useEffect(() => {
    if (data && data.state !== 'running') onFinished?.(data);
    // Once per state change: the callback's identity changes on every render of the parent.
  }, [data?.state]);
  // One bar for the whole job: it never moves back when a phase starts.
  const furthest = useRef(0);
  if (!data) return <Text size="sm">{t('gettingReady')}</Text>;
  furthest.current = Math.max(furthest.current, overallProgress(data.phase, data.done, data.total));
  const pct = 100 * furthest.current;
  const left = data.state === 'running' ? remainingText(data.startedAt, furthest.current) : null;
  return (
    <Stack gap={4} data-testid="job-progress">
      <Group justify="space-between">
        <Text size="sm">
          {data.state === 'running'
            ? left
              ? t('runningWithRemaining', { phase: phaseText(data.phase), percent: Math.floor(pct), remaining: left })
              : t('running', { phase: phaseText(data.phase), percent: Math.floor(pct) })
            : data.state === 'done'
              ? t('finished')
              : data.state === 'cancelled'
                ? t('cancelled')
                : t('failed', { error: jobErrorText(data) })}
        </Text>
        {data.state === 'running' && (
          <Button size="xs" variant="default" onClick={() => void call('jobCancel', { jobId })}>
            {t('cancel')}
          </Button>
        )}
      </Group>
      <Progress aria-label={t('progressLabel')} value={data.state === 'running' ? pct : 100} color={data.state === 'failed' ? 'red' : data.state === 'cancelled' ? 'gray' : undefined} animated={data.state === 'running'} />
    </Stack>
  );
}
