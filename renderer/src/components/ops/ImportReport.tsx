/** The report of an import or of its dry run: the problems with file and line, or what was (would be) written. */
import { Alert, Anchor, Table, Text } from '@mantine/core';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ImportResult } from '../../../../shared/contract';
import { count } from '../../format';
import { keyedMessage } from '../../i18n/serverText';

/** Each count's label is import:report.<key>. */
const COUNT_KEYS: (keyof ImportResult['counts'])[] = ['kindsAdded', 'citizensAdded', 'citizensUpdated', 'relationshipsAdded', 'relationshipsChanged', 'eventsAdded', 'eventsUnchanged'];

function Counts({ result, dryRun }: { result: ImportResult; dryRun: boolean }) {
  const { t } = useTranslation('import');
  const s = result.scoring;
  return (
    <Table withTableBorder maw={680} verticalSpacing={4} data-testid="import-counts">
      <Table.Tbody>
        {COUNT_KEYS.map((key) => (
          <Table.Tr key={key}>
            <Table.Td>{t(`report.${key}`)}</Table.Td>
            <Table.Td ta="right" fw={result.counts[key] ? 600 : undefined} c={result.counts[key] ? undefined : 'dimmed'}>
              {count(result.counts[key])}
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td>{dryRun ? t('report.scoresWouldChange') : t('report.scoresChanged')}</Table.Td>
          <Table.Td ta="right" fw={600}>
            {s ? t('report.scoresOf', { count: s.citizens, changed: count(s.scoresChanged), citizens: count(s.citizens) }) : t('report.none')}
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>{dryRun ? t('report.ledgerWould') : t('report.ledgerWritten')}</Table.Td>
          <Table.Td ta="right" fw={600}>
            {count(s?.ledgerEntries ?? 0)}
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

function Problems({ result }: { result: ImportResult }) {
  const { t } = useTranslation('import');
  return (
    <>
      {result.problemCount > result.problems.length && (
        <Text size="sm" fw={600} data-testid="import-problems-shown">
          {t('report.showingFirst', { shown: count(result.problems.length), total: count(result.problemCount) })}
        </Text>
      )}
      <Table striped withTableBorder verticalSpacing={4} data-testid="import-problems">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={170}>{t('report.file')}</Table.Th>
            <Table.Th w={80} ta="right">
              {t('report.line')}
            </Table.Th>
            <Table.Th>{t('report.reason')}</Table.Th>
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
                {keyedMessage(p)}
                {p.field && (
                  <Text span c="dimmed" fz="sm">
                    {' '}
                    {t('report.atField', { field: p.field })}
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
  const { t } = useTranslation('import');
  const n = result.problemCount;
  if (!result.ok) {
    return (
      <>
        <Alert color="red" title={t('report.failedTitle', { count: n, n: count(n) })} data-testid="import-report-failed">
          {t('report.failedBody')}
        </Alert>
        <Problems result={result} />
      </>
    );
  }
  const changed = Object.entries(result.counts).some(([k, v]) => k !== 'eventsUnchanged' && v > 0);
  if (!changed) {
    return (
      <Alert color="blue" title={t('report.nothingTitle')} data-testid="import-report-nothing">
        {dryRun ? t('report.nothingDryRun') : t('report.nothingImported')}
        <Counts result={result} dryRun={dryRun} />
      </Alert>
    );
  }
  if (dryRun) {
    return (
      <Alert color="green" title={t('report.validTitle')} data-testid="import-report-valid">
        <Text size="sm" mb="xs">
          {t('report.validBody')}
        </Text>
        <Counts result={result} dryRun />
      </Alert>
    );
  }
  return (
    <Alert color="green" title={t('report.importedTitle')} data-testid="import-report-done">
      <Text size="sm" mb="xs">
        {result.operationId !== null ? (
          <Trans
            i18nKey="import:report.recordedAs"
            values={{ id: result.operationId }}
            components={{ op: <Anchor component={Link} href={`/operations/${result.operationId}`} fw={600} data-testid="import-operation-link" /> }}
          />
        ) : (
          t('report.recorded')
        )}
      </Text>
      <Counts result={result} dryRun={false} />
    </Alert>
  );
}
