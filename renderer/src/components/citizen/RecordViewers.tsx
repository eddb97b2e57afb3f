/** Who opened this record, when and why: the latest openings, from the access log. */
import { Card, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import { count, when } from '../../format';

const SHOWN = 20;

export function RecordViewers({ citizenId, purpose }: { citizenId: string; purpose: string }) {
  const { t } = useTranslation('citizen');
  const viewers = useQuery({ queryKey: ['recordViewers', citizenId], queryFn: () => call('recordViewers', { citizenId, purpose: purpose || undefined }) });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        {t('viewers.title')}
      </Title>
      {viewers.data && (
        <Table striped data-testid="record-viewers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('viewers.when')}</Table.Th>
              <Table.Th>{t('viewers.account')}</Table.Th>
              <Table.Th>{t('viewers.purpose')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {viewers.data.rows.slice(0, SHOWN).map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td>{when(v.at)}</Table.Td>
                <Table.Td>{v.username}</Table.Td>
                <Table.Td>
                  {v.purpose ?? (
                    <Text span c="dimmed">
                      {t('viewers.none')}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          {viewers.data.total > SHOWN && <Table.Caption>{t('viewers.latest', { shown: SHOWN, total: count(viewers.data.total) })}</Table.Caption>}
        </Table>
      )}
    </Card>
  );
}
