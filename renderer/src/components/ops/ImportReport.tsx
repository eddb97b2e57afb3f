/** The report of an import or of its dry run: the problems with file and line, or what was (would be) written. */
import { Alert, Anchor, Table, Text } from '@mantine/core';
import { Link } from 'wouter';
import type { ImportResult } from '../../../../shared/contract';
import { count } from '../../format';

const COUNT_LABELS: [keyof ImportResult['counts'], string][] = [
  ['kindsAdded', 'Event kinds added'],
  ['citizensAdded', 'Citizens added'],
  ['citizensUpdated', 'Citizens updated (name, district or birth date)'],
  ['relationshipsAdded', 'Friendships added'],
  ['relationshipsChanged', 'Friendships with new dates'],
  ['eventsAdded', 'Events added'],
  ['eventsUnchanged', 'Events already recorded (skipped)'],
];

function Counts({ result, dryRun }: { result: ImportResult; dryRun: boolean }) {
  const s = result.scoring;
  return (
    <Table withTableBorder maw={680} verticalSpacing={4} data-testid="import-counts">
      <Table.Tbody>
        {COUNT_LABELS.map(([key, label]) => (
          <Table.Tr key={key}>
            <Table.Td>{label}</Table.Td>
            <Table.Td ta="right" fw={result.counts[key] ? 600 : undefined} c={result.counts[key] ? undefined : 'dimmed'}>
              {count(result.counts[key])}
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td>Scores {dryRun ? 'that would change' : 'changed'}</Table.Td>
          <Table.Td ta="right" fw={600}>
            {s ? `${count(s.scoresChanged)} (of ${count(s.citizens)} citizen${s.citizens === 1 ? '' : 's'} rescored)` : 'none'}
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>Ledger entries {dryRun ? 'that would be written' : 'written'}</Table.Td>
          <Table.Td ta="right" fw={600}>
            {count(s?.ledgerEntries ?? 0)}
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

function Problems({ result }: { result: ImportResult }) {
  return (
    <>
      {result.problemCount > result.problems.length && (
        <Text size="sm" fw={600} data-testid="import-problems-shown">
          Showing the first {count(result.problems.length)} of {count(result.problemCount)} problems. Fix these, validate again, and the next ones will be listed.
        </Text>
      )}
      <Table striped withTableBorder verticalSpacing={4} data-testid="import-problems">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={170}>File</Table.Th>
            <Table.Th w={80} ta="right">
              Line
            </Table.Th>
            <Table.Th>Reason</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {result.problems.map((p, i) => (
            <Table.Tr key={i} data-testid="import-problem-row">
              <Table.Td ff="monospace" fz="sm">
                {p.file ?? '—'}
              </Table.Td>
              <Table.Td ta="right" ff="monospace" fz="sm">
                {p.line ?? '—'}
              </Table.Td>
              <Table.Td fz="sm">
                {p.message}
                {p.field && (
                  <Text span c="dimmed" fz="sm">
                    {' '}
                    (at {p.field})
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

export function ImportReport({ result, dryRun }: { result: ImportResult; dryRun: boolean }) {
  const n = result.problemCount;
  if (!result.ok) {
    return (
      <>
        <Alert color="red" title={`${count(n)} problem${n === 1 ? '' : 's'} found: nothing was written`} data-testid="import-report-failed">
          An import is all or nothing, so no citizen, friendship, event, score or ledger entry was changed. Correct the rows below in the files, choose them again
          and validate.
        </Alert>
        <Problems result={result} />
      </>
    );
  }
  const changed = Object.entries(result.counts).some(([k, v]) => k !== 'eventsUnchanged' && v > 0);
  if (!changed) {
    return (
      <Alert color="blue" title="Nothing new" data-testid="import-report-nothing">
        Every row of these files is already in the database. {dryRun ? 'Importing them would change nothing.' : 'No operation was recorded and no score changed.'}
        <Counts result={result} dryRun={dryRun} />
      </Alert>
    );
  }
  if (dryRun) {
    return (
      <Alert color="green" title="The files are valid. Nothing was written." data-testid="import-report-valid">
        <Text size="sm" mb="xs">
          Every row was checked and the new scores were computed, then everything was rolled back. Importing these files would:
        </Text>
        <Counts result={result} dryRun />
      </Alert>
    );
  }
  return (
    <Alert color="green" title="Imported" data-testid="import-report-done">
      <Text size="sm" mb="xs">
        Recorded as{' '}
        {result.operationId !== null && (
          <Anchor component={Link} href={`/operations/${result.operationId}`} fw={600} data-testid="import-operation-link">
            operation #{result.operationId}
          </Anchor>
        )}
        ; its page lists every score change it caused.
      </Text>
      <Counts result={result} dryRun={false} />
    </Alert>
  );
}
