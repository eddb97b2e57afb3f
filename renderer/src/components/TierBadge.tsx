import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { tierColor } from '../format';

export function TierBadge({ tier, size = 'md' }: { tier: string | null | undefined; size?: 'sm' | 'md' | 'lg' | 'xl' }) {
  const { t } = useTranslation('widgets');
  return (
    <Badge color={tierColor(tier)} size={size} variant="filled" miw={44} title={tier ? t('tierName', { tier }) : t('noTier')}>
      {tier ?? '—'}
    </Badge>
  );
}
