/** The event kind's fields as chips that insert `event.<field>`; protected fields are shown but refused. */
import { Badge, Button, Code, Group, Text, Tooltip } from '@mantine/core';
import { Trans, useTranslation } from 'react-i18next';
import type { EventKindSpec, FieldType } from '../../../../shared/domain';

export function FieldChips({ kind, target, onInsert }: { kind: EventKindSpec | undefined; target: 'condition' | 'points'; onInsert: (text: string) => void }) {
  const { t } = useTranslation('rules');
  const typeHint: Record<FieldType, string> = { number: t('fields.type.number'), string: t('fields.type.string'), bool: t('fields.type.bool'), date: t('fields.type.date') };
  if (!kind) return <Text size="sm" c="dimmed">{t('fields.chooseKind')}</Text>;
  const fields = Object.entries(kind.fields);
  return (
    <div data-testid="field-chips">
      <Text size="sm" mb={4}>
        <Trans
          i18nKey="rules:fields.intro"
          values={{ kind: kind.kind, target: target === 'condition' ? t('fields.target.condition') : t('fields.target.points') }}
          components={{ kind: <Code />, b: <b />, code: <Code /> }}
        />
      </Text>
      <Group gap={6}>
        {fields.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('fields.none')}
          </Text>
        )}
        {fields.map(([name, spec]) =>
          spec.protected ? (
            <Tooltip key={name} label={t('fields.protected')} withArrow>
              <Badge
                variant="outline"
                color="gray"
                tt="none"
                size="lg"
                td="line-through"
                style={{ cursor: 'not-allowed', fontWeight: 500 }}
                aria-disabled
                data-testid={`field-chip-${name}`}
                data-protected="true"
              >
                event.{name}
              </Badge>
            </Tooltip>
          ) : (
            <Tooltip key={name} label={typeHint[spec.type]} withArrow>
              <Button
                size="compact-sm"
                variant="light"
                radius="xl"
                onClick={() => onInsert(`event.${name}`)}
                styles={{ label: { fontFamily: 'var(--mantine-font-family-monospace)', fontWeight: 500 } }}
                data-testid={`field-chip-${name}`}
              >
                event.{name}
                <Text span size="xs" c="dimmed" ml={6}>
                  {spec.type}
                </Text>
              </Button>
            </Tooltip>
          ),
        )}
      </Group>
    </div>
  );
}
