/** First start on an empty database: offer the demo population or an import. */
import { Button, Card, Group, NumberInput, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { call } from '../api';
import { ErrorNote } from './ErrorNote';
import { JobProgress } from './JobProgress';

export function FirstRun() {
  const { t } = useTranslation('firstRun');
  const [citizens, setCitizens] = useState<number>(5000);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const queryClient = useQueryClient();
  const start = async () => {
    setError(null);
    try {
      setJobId((await call('createDemo', { citizens, seed: 1 })).jobId);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card withBorder maw={720} data-testid="first-run">
      <Stack>
        <Title order={3}>{t('title')}</Title>
        <Text>{t('intro')}</Text>
        <Group align="flex-end">
          <NumberInput label={t('population')} min={100} max={1_000_000} step={1000} value={citizens} onChange={(v) => setCitizens(Number(v) || 5000)} w={180} />
          <Button onClick={start} disabled={!!jobId} data-testid="create-demo">
            {t('create')}
          </Button>
          <Button component={Link} href="/import" variant="default">
            {t('importFolder')}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {t('note')}
        </Text>
        <ErrorNote error={error} />
        {jobId && <JobProgress jobId={jobId} onFinished={() => void queryClient.invalidateQueries()} />}
      </Stack>
    </Card>
  );
}
