/** The cause of a ledger entry written when a citizen entered or left scope (SCORING_MODEL §6, cause `scope`). */
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function ScopeCauseBadge() {
  const { t } = useTranslation('consent');
  return (
    <Badge variant="light" color="teal" tt="none" title={t('audit.scopeTitle')}>
      {t('audit.scope')}
    </Badge>
  );
}
