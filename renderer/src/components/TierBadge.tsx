import { Badge } from '@mantine/core';
import { tierColor } from '../format';

export function TierBadge({ tier, size = 'md' }: { tier: string | null | undefined; size?: 'sm' | 'md' | 'lg' | 'xl' }) {
  return (
    <Badge color={tierColor(tier)} size={size} variant="filled" miw={44}>
      {tier ?? '—'}
    </Badge>
  );
}
