import { Title } from '@mantine/core';
export function SearchPage(_props: Record<string, unknown>) {
  return <Title order={2}>Search</Title>;
}
