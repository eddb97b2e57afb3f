/**
 * The rule editor's `consent_required` switch (SCORING_MODEL §2, §3). Turning
 * it on warns how many citizens would be left unscored: those without consent
 * given at the current scoring date (the Overview's figures). The simulation
 * gives the exact effect, friends' penalties included.
 */
import { Alert, Stack, Switch, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import { count, when } from '../../format';

export function ConsentRequiredField({ value, onChange }: { value: boolean; onChange: (v: boolean) => void }) {
  const { t } = useTranslation('consent');
  const overview = useQuery({ queryKey: ['overview'], queryFn: () => call('overview', {}) });
  const o = overview.data;
  const unscored = o ? o.population - o.consent.givenAtAsOf : 0;
  return (
    <Stack gap={6}>
      <Switch label={t('rules.label')} description={t('rules.help')} checked={value} onChange={(e) => onChange(e.currentTarget.checked)} data-testid="param-consent-required" />
      {value && o && o.asOf && !o.consent.required && unscored > 0 && (
        <Alert color="orange" p="xs" data-testid="consent-required-warning">
          <Text size="sm">{t('rules.warning', { count: unscored, population: count(o.population), asOf: when(o.asOf) })}</Text>
        </Alert>
      )}
    </Stack>
  );
}
