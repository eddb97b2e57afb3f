/**
 * A chart with its figures as a table (issue 12): the table is always there
 * for screen readers (visually hidden under the chart), and "Show as table"
 * puts it on screen instead of the chart for anyone who reads figures better
 * than bars.
 */
import { Box, Button, Group, Table, VisuallyHidden } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface ChartTableData {
  /** What the table lists, said as a caption ("Citizens by tier"). */
  caption: string;
  columns: { label: string; numeric?: boolean }[];
  rows: { key: string; cells: ReactNode[] }[];
}

function FiguresTable({ data, testId }: { data: ChartTableData; testId?: string }) {
  return (
    <Table striped data-testid={testId}>
      <Table.Caption>{data.caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          {data.columns.map((c) => (
            <Table.Th key={c.label} ta={c.numeric ? 'right' : undefined} scope="col">
              {c.label}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {data.rows.map((r) => (
          <Table.Tr key={r.key}>
            {r.cells.map((cell, i) => (
              <Table.Td key={i} ta={data.columns[i]?.numeric ? 'right' : undefined}>
                {cell}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function ChartWithTable({ chart, table, testId }: { chart: ReactNode; table: ChartTableData; testId: string }) {
  const { t } = useTranslation('widgets');
  const [asTable, setAsTable] = useState(false);
  return (
    <Box>
      {asTable ? (
        <FiguresTable data={table} testId={`${testId}-table`} />
      ) : (
        <>
          {/* The drawing says nothing to a screen reader (draw it with accessibilityLayer={false}, so nothing in it takes focus): the same figures follow as a table it reads. */}
          <div aria-hidden="true" data-testid={`${testId}-chart`}>
            {chart}
          </div>
          <VisuallyHidden>
            <FiguresTable data={table} testId={`${testId}-hidden-table`} />
          </VisuallyHidden>
        </>
      )}
      <Group justify="flex-end" mt={4}>
        <Button size="compact-xs" variant="subtle" onClick={() => setAsTable((v) => !v)} aria-pressed={asTable} data-testid={`${testId}-toggle`}>
          {asTable ? t('chart.showChart') : t('chart.showTable')}
        </Button>
      </Group>
    </Box>
  );
}
