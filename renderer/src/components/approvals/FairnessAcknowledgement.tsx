/**
 * Before approving a ruleset whose fairness report flags groups: the flags
 * again, and the approver's written acknowledgement of them. The main process
 * refuses the approval without one (it checks the report, not this form).
 */
import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { FairnessReport } from '../../../../shared/fairness';
import { ReasonField } from '../ReasonField';
import { FairnessFlags } from '../rules/FairnessReport';

export const MIN_ACKNOWLEDGEMENT = 5;

export function FairnessAcknowledgement({ report, value, onChange }: { report: FairnessReport | undefined; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation('fairness');
  if (!report || report.flags.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="fairness-acknowledgement">
      <FairnessFlags report={report} subject="proposal" />
      <ReasonField
        label={t('acknowledge.label')}
        description={t('acknowledge.description')}
        placeholder={t('acknowledge.placeholder')}
        value={value}
        onChange={onChange}
        min={MIN_ACKNOWLEDGEMENT}
        required
        data-testid="fairness-acknowledgement-reason"
      />
    </Stack>
  );
}
