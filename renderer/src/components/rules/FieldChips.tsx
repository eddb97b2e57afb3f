/** The event kind's fields as chips that insert `event.<field>`; protected fields are shown but refused. */
import { Badge, Button, Code, Group, Text, Tooltip } from '@mantine/core';
import type { EventKindSpec, FieldType } from '../../../../shared/domain';

const TYPE_HINT: Record<FieldType, string> = {
  number: 'number, a CEL double: write 2.0, not 2',
  string: 'string',
  bool: 'bool',
  date: 'date, a string YYYY-MM-DD',
};

export function FieldChips({ kind, target, onInsert }: { kind: EventKindSpec | undefined; target: string; onInsert: (text: string) => void }) {
  if (!kind) return <Text size="sm" c="dimmed">Choose an event kind to see the fields a rule can read.</Text>;
  const fields = Object.entries(kind.fields);
  return (
    <div data-testid="field-chips">
      <Text size="sm" mb={4}>
        Fields of <Code>{kind.kind}</Code>: click to insert into the <b>{target}</b>. <Code>has(event.field)</Code> tests presence.
      </Text>
      <Group gap={6}>
        {fields.length === 0 && (
          <Text size="sm" c="dimmed">
            This kind declares no fields.
          </Text>
        )}
        {fields.map(([name, spec]) =>
          spec.protected ? (
            <Tooltip key={name} label="protected: rules cannot read it" withArrow>
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
            <Tooltip key={name} label={TYPE_HINT[spec.type]} withArrow>
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
