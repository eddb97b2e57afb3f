/** Bulk-read alerts for auditors: users who read more distinct citizens in an hour than the threshold. */
import { Alert, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import { count, when } from '../../format';
import { ErrorNote } from '../ErrorNote';

export function BulkReadAlerts({ onUser }: { onUser: (username: string) => void }) {
  const { t } = useTranslation('accessLog');
  const { data, error } = useQuery({ queryKey: ['accessAlerts'], queryFn: () => call('accessAlerts', { limit: 20 }), refetchInterval: 30_000 });
  return (
    <Card withBorder data-testid="bulk-read-alerts">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h4">{t('alerts.title')}</Title>
          {data && <Text size="xs" c="dimmed">{t('alerts.threshold', { threshold: count(data.threshold) })}</Text>}
        </Group>
        <ErrorNote error={error} />
        {data && data.alerts.length === 0 && <Text size="sm" c="dimmed">{t('alerts.none')}</Text>}
        {data && data.alerts.length > 0 && (
          <Alert color="red" p="xs">
            <Table>
              <Table.Tbody>
                {data.alerts.map((a) => (
                  <Table.Tr key={a.id} data-testid={`bulk-alert-${a.username}`} style={{ cursor: 'pointer' }} onClick={() => onUser(a.username)} title={t('alerts.filterUser', { user: a.username })}>
                    <Table.Td>{when(a.at)}</Table.Td>
                    <Table.Td>
                      <Badge color="red" variant="light">{a.username}</Badge>
                    </Table.Td>
                    <Table.Td>
                      {t('alerts.row', { count: a.citizens, citizens: count(a.citizens), threshold: count(a.threshold) })}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
