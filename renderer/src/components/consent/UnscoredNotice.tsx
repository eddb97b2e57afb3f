/**
 * What a record without a score says at the top: plainly that the citizen is
 * not scored and why (out of scope: the ruleset requires consent they have
 * not given at the scoring date), or that no ruleset has been published yet.
 */
import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConsentView } from '../../../../shared/contract';
import { when } from '../../format';

export function UnscoredNotice({ name, consent }: { name: string; consent: ConsentView }) {
  const { t } = useTranslation('consent');
  if (consent.asOf === null || consent.inScope) return <Alert color="gray">{t('unscored.noRuleset')}</Alert>;
  const reason = consent.atScoringInstant === 'withdrawn' ? 'reasonWithdrawn' : consent.atScoringInstant === 'refused' ? 'reasonRefused' : 'reasonNone';
  return (
    <Alert color="orange" variant="light" title={t('unscored.title')} data-testid="citizen-unscored">
      <Text size="sm">{t('unscored.body', { name, reason: t(`unscored.${reason}`), asOf: when(consent.asOf) })}</Text>
      <Text size="sm" mt="xs" data-testid="citizen-unscored-outlook">
        {t('outlook:outOfScope')}
      </Text>
    </Alert>
  );
}
