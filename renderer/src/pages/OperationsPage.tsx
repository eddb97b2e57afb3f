import { Title } from '@mantine/core';
export function OperationsPage(_props: Record<string, unknown>) {
  return <Title order={2}>Operations</Title>;
}
