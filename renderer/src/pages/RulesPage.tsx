import { Title } from '@mantine/core';
export function RulesPage(_props: Record<string, unknown>) {
  return <Title order={2}>Rules</Title>;
}
