/**
 * A simulation's scope figures (SCORING_MODEL §3): how many citizens would
 * leave or enter scope, and how the friend penalties of those scored before
 * and after would move. Shown wherever a simulation is (the rule editor and
 * the approval view), and only when someone's scope changes.
 */
import { Alert, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SimulationResult } from '../../../../shared/contract';
import { count, score } from '../../format';

export function ScopeChange({ scope }: { scope: SimulationResult['scope'] }) {
  const { t } = useTranslation('consent');
  if (!scope || (scope.leaving === 0 && scope.entering === 0)) return null;
  return (
    <Alert color="orange" variant="light" title={t('simulation.title')} data-testid="sim-scope">
      <Stack gap={2}>
        {scope.leaving > 0 && <Text size="sm">{t('simulation.leaving', { count: scope.leaving })}</Text>}
        {scope.entering > 0 && <Text size="sm">{t('simulation.entering', { count: scope.entering })}</Text>}
        <Text size="sm">
          {t('simulation.penalties', { up: count(scope.penaltiesUp), down: count(scope.penaltiesDown), before: score(scope.meanPenaltyBefore), after: score(scope.meanPenaltyAfter) })}
        </Text>
      </Stack>
    </Alert>
  );
}
