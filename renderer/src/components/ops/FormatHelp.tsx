/** The interchange format in brief: which files, which header, what each column holds. */
import { Code, List, Stack, Table, Text } from '@mantine/core';

const FILES: { name: string; header: string; notes: string; example: string }[] = [
  {
    name: 'event_kinds.json',
    header: '(JSON list)',
    notes:
      'The event kinds and the fields of their data. Types: number, string, bool, date. A field marked "protected" (religion, health, …) can never be read by a rule. A registered kind cannot change its schema.',
    example: '[{ "kind": "bill_payment", "fields": { "amount": { "type": "number" }, "on_time": { "type": "bool" } } }]',
  },
  {
    name: 'citizens.csv',
    header: 'citizen_id,name,district,birth_date',
    notes: 'citizen_id: 1–64 characters of A–Z a–z 0–9 _ -. name at most 200 characters and district at most 100, on one line, without control or bidirectional-override characters. birth_date YYYY-MM-DD or empty. A known citizen_id updates name, district and birth date.',
    example: 'C0000042,Li Wei,Dongcheng,1984-03-09',
  },
  {
    name: 'relationships.csv',
    header: 'a,b,since,until',
    notes: 'One friendship between two known citizens (order does not matter). since YYYY-MM-DD; until empty or a later date (exclusive). A known pair with other dates gets the new dates.',
    example: 'C0000042,C0000107,2019-06-01,',
  },
  {
    name: 'events.csv',
    header: 'event_id,citizen_id,kind,occurred_at,data',
    notes: 'occurred_at is an RFC 3339 instant: date, time with seconds, at most 3 fraction digits, and Z or an offset (2026-05-01T10:00:00Z, 2026-05-01T12:00:00.250+02:00); a time without seconds or a finer fraction is refused. data is a JSON object in a quoted field (quotes doubled), holding only the fields its kind declares; string fields at most 4 KB. An event_id appears once per file; one already recorded with the same content is skipped, with other content it is an error.',
    example: 'E000000001,C0000042,bill_payment,2026-05-01T10:00:00Z,"{""amount"":120,""on_time"":true}"',
  },
  {
    name: 'events.jsonl',
    header: '(one JSON object a line)',
    notes: 'The same events as events.csv, with data as an object. Use one of events.csv and events.jsonl, not both.',
    example: '{"event_id":"E000000001","citizen_id":"C0000042","kind":"bill_payment","occurred_at":"2026-05-01T10:00:00Z","data":{"amount":120}}',
  },
];

export function FormatHelp() {
  return (
    <Stack gap="sm" data-testid="import-format-help">
      <List size="sm" spacing={2}>
        <List.Item>Any subset of the five files below, UTF-8 encoded. CSV files start with a header row naming the columns.</List.Item>
        <List.Item>The files are read in the order listed, so an import can add a citizen and that citizen's events together.</List.Item>
        <List.Item>All or nothing: one wrong row and nothing is written. Importing the same files twice changes nothing the second time.</List.Item>
        <List.Item>Limits: a line (a CSV record) at most 1 MiB, JSON nested at most 32 levels, event_kinds.json at most 1 MiB. Only regular files are read: links and special files are refused.</List.Item>
        <List.Item>Name the provider of the data: it is kept with the import and shown with every event it brings, and on disputes as the party to contact.</List.Item>
        <List.Item>Scores of the citizens touched are recomputed with the published ruleset; every changed score gets a ledger entry.</List.Item>
      </List>
      <Table withTableBorder verticalSpacing={6} layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={170}>File</Table.Th>
            <Table.Th w={330}>Header</Table.Th>
            <Table.Th>What it holds</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {FILES.map((f) => (
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
