/**
 * Asked before a record opens, wherever it is opened from: why this user
 * needs it (a case number, a dispute, a citizen's request). The purposes this
 * user stated lately are one click away. When an administrator has made the
 * purpose mandatory there is no way past without one.
 */
import { Alert, Anchor, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { call, recordPurpose } from '../../api';

export function PurposePrompt({ citizenId, refused, onStated }: { citizenId: string; refused?: string; onStated: (purpose: string) => void }) {
  const { t } = useTranslation('citizen');
  const [purpose, setPurpose] = useState('');
  const settings = useQuery({ queryKey: ['accessSettings'], queryFn: () => call('accessSettings', {}) });
  const recent = useQuery({ queryKey: ['recentPurposes'], queryFn: () => call('recentPurposes', {}), staleTime: 0 });
  const required = settings.data?.purposeRequired ?? true;
  const hint = recordPurpose.suggestion(citizenId);
  const offered = [...new Set([...(hint ? [hint] : []), ...(recent.data ?? [])])];
  const submit = () => {
    if (purpose.trim()) onStated(purpose.trim());
  };
  return (
    <Stack maw={720}>
      <Anchor component={Link} href="/search" size="sm">
        ← {t('backToSearch')}
      </Anchor>
      <Card withBorder padding="lg" data-testid="purpose-prompt">
        <Title order={2} size="h3" mb={4}>
          <Trans t={t} i18nKey="purpose.question" values={{ citizenId }} components={{ id: <Text span inherit ff="monospace" /> }} />
        </Title>
        <Text size="sm" c="dimmed" mb="md">
          {required ? t('purpose.explainMandatory') : t('purpose.explain')}
        </Text>
        {refused && (
          <Alert color="red" mb="md" role="alert" data-testid="purpose-refused">
            {refused}
          </Alert>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <TextInput
            autoFocus
            label={t('purpose.label')}
            placeholder={t('purpose.placeholder')}
            value={purpose}
            onChange={(e) => setPurpose(e.currentTarget.value)}
            maxLength={500}
            data-testid="purpose-input"
          />
          {offered.length > 0 && (
            <Group gap={6} mt="xs" data-testid="purpose-recent">
              <Text size="xs" c="dimmed">
                {hint ? t('purpose.suggested') : t('purpose.recent')}
              </Text>
              {offered.map((p) => (
                <Button key={p} size="compact-xs" variant="light" onClick={() => onStated(p)} data-testid="purpose-recent-option">
                  {p.length > 60 ? `${p.slice(0, 57)}…` : p}
                </Button>
              ))}
            </Group>
          )}
          <Group mt="md">
            <Button type="submit" disabled={!purpose.trim()} data-testid="purpose-submit">
              {t('purpose.open')}
            </Button>
            {!required && (
              <Button variant="subtle" color="gray" onClick={() => onStated('')} data-testid="purpose-skip">
                {t('purpose.skip')}
              </Button>
            )}
          </Group>
        </form>
      </Card>
    </Stack>
  );
}
