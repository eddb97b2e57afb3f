/**
 * A fairness report (issue 13, part 3): each district's and age band's tier
 * distribution, mean score, favourable rate and adverse-impact ratio, under
 * the draft (or the version, or the current scores) and under the published
 * ruleset before it, with the groups flagged by the four-fifths rule. Groups
 * too small to judge are shown with their size and marked, never flagged.
 */
import { Alert, Badge, Button, Card, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { FairnessDimension, FairnessGroup, FairnessReport, FairnessSide } from '../../../../shared/fairness';
import { call } from '../../api';
import { saveFile } from '../../download';
import { count, day, intlLocale, score } from '../../format';
import { ErrorNote } from '../ErrorNote';

export type FairnessSubject = 'draft' | 'proposal' | 'version' | 'current';

const percent = (x: number | null): string => (x === null ? '—' : new Intl.NumberFormat(intlLocale(), { style: 'percent', maximumFractionDigits: 1 }).format(x));
const ratio = (x: number | null): string => (x === null ? '—' : x.toLocaleString(intlLocale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

/** A figure before and after, or the one figure when there is nothing to compare with. */
function BeforeAfter({ before, after, hasBefore }: { before: string; after: string; hasBefore: boolean }) {
  if (!hasBefore) return <>{after}</>;
  return (
    <Text span size="sm" style={{ whiteSpace: 'nowrap' }}>
      <Text span size="sm" c="dimmed">
        {before}
      </Text>
      {' → '}
      <b>{after}</b>
    </Text>
  );
}

function useGroupName() {
  const { t } = useTranslation('fairness');
  return (dimension: FairnessDimension['dimension'], group: string): string => (dimension === 'age' ? t(`band.${group}`, { defaultValue: group }) : group);
}

function Status({ g }: { g: FairnessGroup }) {
  const { t } = useTranslation('fairness');
  const judgement = g.flagged ? (
    <Badge color="red" variant="filled" data-testid="fairness-flagged" style={{ flexShrink: 0 }}>
      {t('status.flagged')}
    </Badge>
  ) : g.reference ? (
    <Text size="xs" c="indigo.8" fw={600}>
      {t('status.reference')}
    </Text>
  ) : null;
  // A withheld group keeps its judgement (withholding hides figures, not flags): both are shown.
  if (g.withheld)
    return (
      <Stack gap={2} align="flex-start">
        {judgement}
        <Text size="xs" c="dimmed" fs="italic" data-testid="fairness-withheld">
          {t('status.withheld')}
        </Text>
      </Stack>
    );
  if (judgement) return judgement;
  if (g.tooSmall)
    return (
      <Text size="xs" c="dimmed" fs="italic">
        {t('status.tooSmall')}
      </Text>
    );
  return null;
}

/** Non-empty tiers of a group, best first: "A 10 · C 30", each pair kept on one line. */
function TierLine({ side, g }: { side: FairnessSide; g: FairnessGroup }) {
  const counts = g.tierCounts;
  if (counts === null) return <Text size="xs">—</Text>;
  const parts = side.tiers.map((tier, i) => [tier, counts[i]] as const).filter(([, n]) => n > 0);
  return (
    <Text size="xs" ff="monospace">
      {parts.map(([tier, n], i) => (
        <span key={tier} style={{ whiteSpace: 'nowrap' }}>
          {i > 0 && ' · '}
          {`${tier} ${count(n)}`}
        </span>
      ))}
    </Text>
  );
}

function DimensionTable({ dimension, after, before, subject }: { dimension: FairnessDimension['dimension']; after: FairnessSide; before: FairnessSide | null; subject: FairnessSubject }) {
  const { t } = useTranslation('fairness');
  const name = useGroupName();
  const d = after.dimensions.find((x) => x.dimension === dimension);
  if (!d) return null;
  const prior = before?.dimensions.find((x) => x.dimension === dimension) ?? null;
  const hasBefore = prior !== null;
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table withTableBorder striped data-testid={`fairness-${dimension}`}>
        <Table.Caption>{t(`caption.${dimension}`, { subject: t(`subject.${subject}`) })}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t(`column.${dimension}`)}</Table.Th>
            <Table.Th scope="col" ta="right">
              {t('column.size')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('column.mean')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('column.favourable')}
            </Table.Th>
            <Table.Th scope="col" ta="right">
              {t('column.ratio')}
            </Table.Th>
            <Table.Th scope="col">{t('column.tiers')}</Table.Th>
            <Table.Th scope="col">{t('column.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {d.groups.map((g) => {
            const p = prior?.groups.find((x) => x.group === g.group) ?? null;
            return (
              <Table.Tr key={g.group} data-testid="fairness-row" data-group={g.group} data-flagged={g.flagged} bg={g.flagged ? 'var(--mantine-color-red-light)' : undefined}>
                <Table.Th scope="row" fw={500}>
                  {name(dimension, g.group)}
                </Table.Th>
                <Table.Td ta="right">{count(g.size)}</Table.Td>
                <Table.Td ta="right">
                  <BeforeAfter hasBefore={hasBefore} before={score(p?.meanScore)} after={score(g.meanScore)} />
                </Table.Td>
                <Table.Td ta="right">
                  <BeforeAfter hasBefore={hasBefore} before={percent(p?.favourableRate ?? null)} after={percent(g.favourableRate)} />
                </Table.Td>
                <Table.Td ta="right" data-testid="fairness-ratio">
                  <BeforeAfter hasBefore={hasBefore} before={ratio(p?.ratio ?? null)} after={ratio(g.ratio)} />
                </Table.Td>
                <Table.Td>
                  <TierLine side={after} g={g} />
                </Table.Td>
                <Table.Td>
                  <Status g={g} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The flags, in sentences: what the approver acknowledges. */
export function FairnessFlags({ report, subject }: { report: FairnessReport; subject: FairnessSubject }) {
  const { t } = useTranslation('fairness');
  const name = useGroupName();
  if (report.flags.length === 0) {
    return (
      <Alert color="teal" variant="light" data-testid="fairness-no-flags">
        {t('flags.none', { subject: t(`subject.${subject}`) })}
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" title={t('flags.title', { count: report.flags.length })} data-testid="fairness-flags">
      <List size="sm" spacing={2}>
        {report.flags.map((f) => (
          <List.Item key={`${f.dimension} ${f.group}`} data-testid="fairness-flag">
            {f.ratioBefore === null
              ? t(`flags.${f.dimension}`, { group: name(f.dimension, f.group), size: count(f.size), ratio: ratio(f.ratio) })
              : t(`flags.${f.dimension}Before`, { group: name(f.dimension, f.group), size: count(f.size), ratio: ratio(f.ratio), before: ratio(f.ratioBefore) })}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

/** Which report the CSV export reads: the current scores', a published version's, or a proposal's stored simulation. */
export type FairnessCsvSource = { version?: number; proposalId?: number };

function CsvButton({ source }: { source: FairnessCsvSource }) {
  const { t } = useTranslation('fairness');
  const download = useMutation({
    mutationFn: () => call('exportFairnessReport', source),
    onSuccess: (r) => saveFile(r.filename, r.csv, 'text/csv;charset=utf-8'),
  });
  return (
    <Stack gap={4}>
      <Button size="xs" variant="default" onClick={() => download.mutate()} loading={download.isPending} data-testid="fairness-csv">
        {t('csv')}
      </Button>
      <ErrorNote error={download.error} title={t('csvFailed')} />
    </Stack>
  );
}

export function FairnessReportView({ report, subject, csv }: { report: FairnessReport; subject: FairnessSubject; csv?: FairnessCsvSource }) {
  const { t } = useTranslation('fairness');
  const unfavourable = report.after.unfavourableTiers.join(t('tierSeparator'));
  return (
    <Card withBorder data-testid="fairness-report">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={4}>{t('title')}</Title>
            <Text size="xs" c="dimmed" maw={900}>
              {report.before
                ? t('intro.compared', { subject: t(`subject.${subject}`), version: report.before.rulesetVersion ?? '—' })
                : t('intro.alone', { subject: t(`subject.${subject}`) })}{' '}
              {t('intro.rule', { tiers: unfavourable, threshold: ratio(report.threshold), min: report.minGroupSize })}{' '}
              {report.disclosureMin !== undefined && <>{t('intro.withheld', { min: report.disclosureMin })} </>}
              {t('intro.age', { asOf: day(report.asOf) })}
            </Text>
          </div>
          {csv && <CsvButton source={csv} />}
        </Group>
        <FairnessFlags report={report} subject={subject} />
        <DimensionTable dimension="district" after={report.after} before={report.before} subject={subject} />
        <DimensionTable dimension="age" after={report.after} before={report.before} subject={subject} />
      </Stack>
    </Card>
  );
}
