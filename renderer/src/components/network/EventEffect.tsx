/**
 * What recording an event would do, shown in the record form before it is
 * recorded (issue 13, part 2): the citizen's score now and after, and how
 * far the change travels through friendships (channel previewEvent).
 */
import { Alert, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../../shared/contract';
import { score, when } from '../../format';
import { ErrorNote } from '../ErrorNote';
import { ReachSummary } from './ReachSummary';

/** What recording the event would do now: the citizen's score, and how far the change travels through friendships. */
export function EventEffect({ citizenId, preview, error }: { citizenId: string; preview: Output<'previewEvent'> | undefined; error: Error | null }) {
  const { t } = useTranslation('network');
  if (error) return <ErrorNote error={error} title={t('preview.failed')} />;
  if (!preview) return null;
  const { before, after } = preview;
  return (
    <Alert color="indigo" variant="light" title={t('preview.title')} data-testid="record-event-effect">
      <Stack gap={4}>
        <Text size="sm" data-testid="record-event-effect-score">
          {preview.asOf === null
            ? t('preview.noRuleset')
            : !before || !after
              ? t('preview.unscored', { name: citizenId })
              : !preview.counts
                ? t('preview.notCounted', { asOf: when(preview.asOf) })
                : before.score === after.score && before.tier === after.tier
                  ? t('preview.same', { name: citizenId, score: score(before.score), tier: before.tier })
                  : t('preview.score', { name: citizenId, before: score(before.score), tierBefore: before.tier, after: score(after.score), tierAfter: after.tier })}
        </Text>
        {before && after && preview.counts && <ReachSummary reach={preview.reach} subject="event" testId="record-event-reach" />}
      </Stack>
    </Alert>
  );
}
