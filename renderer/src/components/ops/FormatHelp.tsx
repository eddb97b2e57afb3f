/** The interchange format in brief: which files, which header, what each column holds. Headers and examples are the files' own text. */
import { Code, List, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function FormatHelp() {
  const { t } = useTranslation('import');
  const files: { name: string; header: string; notes: string; example: string }[] = [
    {
      name: 'event_kinds.json',
      header: t('format.jsonList'),
      notes: t('format.kindsNotes'),
      example: '[{ "kind": "bill_payment", "fields": { "amount": { "type": "number" }, "on_time": { "type": "bool" } } }]',
    },
    { name: 'citizens.csv', header: 'citizen_id,name,district,birth_date,name_latin', notes: t('format.citizensNotes'), example: t('format.citizensExample') },
    { name: 'relationships.csv', header: 'a,b,since,until', notes: t('format.relationshipsNotes'), example: 'C0000042,C0000107,2019-06-01,' },
    {
      name: 'events.csv',
      header: 'event_id,citizen_id,kind,occurred_at,data',
      notes: t('format.eventsNotes'),
      example: 'E000000001,C0000042,bill_payment,2026-05-01T10:00:00Z,"{""amount"":120,""on_time"":true}"',
    },
    {
      name: 'events.jsonl',
      header: t('format.jsonLines'),
      notes: t('format.jsonlNotes'),
      example: '{"event_id":"E000000001","citizen_id":"C0000042","kind":"bill_payment","occurred_at":"2026-05-01T10:00:00Z","data":{"amount":120}}',
    },
  ];
  return (
    <Stack gap="sm" data-testid="import-format-help">
      <List size="sm" spacing={2}>
        <List.Item>{t('format.subset')}</List.Item>
        <List.Item>{t('format.order')}</List.Item>
        <List.Item>{t('format.allOrNothing')}</List.Item>
        <List.Item>{t('format.limits')}</List.Item>
        <List.Item>{t('format.provider')}</List.Item>
        <List.Item>{t('format.rescore')}</List.Item>
      </List>
      <Table withTableBorder verticalSpacing={6} layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={170}>{t('format.file')}</Table.Th>
            <Table.Th w={330}>{t('format.header')}</Table.Th>
            <Table.Th>{t('format.holds')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {files.map((f) => (
            <Table.Tr key={f.name}>
              <Table.Td ff="monospace" fz="sm" valign="top">
                {f.name}
              </Table.Td>
              <Table.Td valign="top">
                <Code>{f.header}</Code>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{f.notes}</Text>
                <Code block mt={4} fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                  {f.example}
                </Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
