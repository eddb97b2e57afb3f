/** Follows a long job: progress, phase, a cancel button, and the result once it ends. */
import { Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { JobStatus } from '../../../shared/contract';
import { call } from '../api';

export function JobProgress({ jobId, onFinished }: { jobId: string; onFinished?: (status: JobStatus) => void }) {
  const { data } = useQuery({
    queryKey: ['job', jobId],
    queryFn: () => call('jobStatus', { jobId }),
    refetchInterval: (q) => (q.state.data && q.state.data.state !== 'running' ? false : 250),
  });
  useEffect(() => {
    if (data && data.state !== 'running') onFinished?.(data);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data?.state]);
  if (!data) return <Text size="sm">Starting…</Text>;
  const pct = data.total > 0 ? Math.min(100, (100 * data.done) / data.total) : 0;
  return (
    <Stack gap={4} data-testid="job-progress">
      <Group justify="space-between">
        <Text size="sm">
          {data.state === 'running' ? `${data.phase}…` : data.state === 'done' ? 'Finished' : data.state === 'cancelled' ? 'Cancelled: nothing was changed' : `Failed: ${data.error}`}
        </Text>
        {data.state === 'running' && (
          <Button size="xs" variant="default" onClick={() => void call('jobCancel', { jobId })}>
            Cancel
          </Button>
        )}
      </Group>
      <Progress value={data.state === 'running' ? pct : 100} color={data.state === 'failed' ? 'red' : data.state === 'cancelled' ? 'gray' : undefined} animated={data.state === 'running'} />
    </Stack>
  );
}
