import { Title } from '@mantine/core';
export function CitizenPage(_props: Record<string, unknown>) {
  return <Title order={2}>Citizen</Title>;
}
