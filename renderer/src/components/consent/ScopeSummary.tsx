/**
 * The Overview's scope line (SCORING_MODEL §3): whether the published ruleset
 * requires consent, how many citizens are in and out of scope, and how many
 * had consent given at the scoring date. Each count opens the search with
 * that scope filter.
 */
import { Anchor, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Output } from '../../../../shared/contract';
import { count } from '../../format';

/** Opens the search with only the scope filter set (SearchPage keeps its filters in sessionStorage). */
function searchScope(scope: 'in' | 'out') {
  sessionStorage.setItem('credence.search', JSON.stringify({ scope }));
}

export function ScopeSummary({ data }: { data: Output<'overview'> }) {
  const { t } = useTranslation('consent');
  if (data.rulesetVersion === null) return null;
  const c = data.consent;
  const figure = (label: string, value: number, scope: 'in' | 'out' | null, testId: string) => (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      {scope ? (
        <Anchor component={Link} href="/search" onClick={() => searchScope(scope)} fz="xl" fw={700} data-testid={testId}>
          {count(value)}
        </Anchor>
      ) : (
        <Text fz="xl" fw={700} data-testid={testId}>
          {count(value)}
        </Text>
      )}
    </Stack>
  );
  return (
    <Card withBorder padding="md" data-testid="overview-scope">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={2}>
          <Title order={4}>{t('overview.title')}</Title>
          <Text size="sm" c="dimmed">
            {c.required ? t('overview.required') : t('overview.notRequired')}
          </Text>
        </Stack>
        <Group gap="xl">
          {figure(t('overview.inScope'), c.inScope, 'in', 'overview-in-scope')}
          {figure(t('overview.outOfScope'), c.outOfScope, c.required ? 'out' : null, 'overview-out-of-scope')}
          {figure(t('overview.given'), c.givenAtAsOf, null, 'overview-consent-given')}
        </Group>
      </Group>
    </Card>
  );
}
