import { Title } from '@mantine/core';
export function ImportPage(_props: Record<string, unknown>) {
  return <Title order={2}>Import</Title>;
}
