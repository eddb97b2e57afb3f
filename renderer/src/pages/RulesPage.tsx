/**
 * Rules: the published ruleset; a draft editor with live CEL checking and a
 * rule tester; a whole-population simulation and publishing with a reason;
 * and the version history with diffs and "restore as draft".
 */
import { Accordion, Anchor, Badge, Loader, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { Link } from 'wouter';
import { useCurrentUser } from '../components/AuthGate';
import { when } from '../format';
import { usePageTitle } from '../pageTitle';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { call } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { diffRulesets, summariseDiff } from '../components/rules/diff';
import { canonical, EMPTY_RULESET, problemsOfRule, toSubmit, useRulesetDraft, type Problem } from '../components/rules/draft';
import { DraftEditor, type Selection } from '../components/rules/DraftEditor';
import { DraftStatus } from '../components/rules/DraftStatus';
import { PublishedView } from '../components/rules/PublishedView';
import { PublishPanel } from '../components/rules/PublishPanel';
import { RulesetDiffView } from '../components/rules/RulesetDiffView';
import { SimulatePanel, type SimulationRun } from '../components/rules/SimulatePanel';
import { VersionHistory } from '../components/rules/VersionHistory';
import { useRuleText } from '../i18n/ruleText';

const TABS = ['published', 'editor', 'simulate', 'history'] as const;
type Tab = (typeof TABS)[number];
const TAB_KEY = 'credence.rules.tab';

function initialTab(): Tab {
  const t = sessionStorage.getItem(TAB_KEY);
  return (TABS as readonly string[]).includes(t ?? '') ? (t as Tab) : 'published';
}

export function RulesPage() {
  const { t } = useTranslation('rules');
  usePageTitle(t('title'));
  const user = useCurrentUser();
  // Viewers read the rules; drafting, checking and simulating are for officials (the server would refuse every check).
  return user?.role === 'viewer' ? <RulesReadOnly /> : <RulesWorkbench />;
}

/** The published ruleset and its versions, for a reader: nothing to edit, nothing that calls an official's channel. */
function RulesReadOnly() {
  const { t } = useTranslation('rules');
  const currentQ = useQuery({ queryKey: ['rulesetCurrent'], queryFn: () => call('rulesetCurrent', {}) });
  const versionsQ = useQuery({ queryKey: ['rulesetVersions'], queryFn: () => call('rulesetVersions', {}) });
  if (currentQ.isLoading || versionsQ.isLoading) return <Loader />;
  if (!currentQ.data) return <ErrorNote error={currentQ.error} />;
  const versions = versionsQ.data ?? [];
  return (
    <Stack gap="sm" data-testid="rules-read-only">
      <Title order={2}>{t('title')}</Title>
      <Text size="sm" c="dimmed">
        {t('readOnlyIntro')}
      </Text>
      <PublishedView current={currentQ.data} version={versions.find((v) => v.version === currentQ.data.version)} />
      <Title order={4} mt="md">
        {t('versions')}
      </Title>
      <Table striped data-testid="rules-versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('version')}</Table.Th>
            <Table.Th>{t('publishedUtc')}</Table.Th>
            <Table.Th>{t('by')}</Table.Th>
            <Table.Th>{t('reason')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v) => (
            <Table.Tr key={v.version}>
              <Table.Td>{t('versionShort', { version: v.version })}</Table.Td>
              <Table.Td>
                <Anchor component={Link} href={`/operations/${v.operationId}`} size="sm">
                  {when(v.at)}
                </Anchor>
              </Table.Td>
              <Table.Td>{v.actor}</Table.Td>
              <Table.Td>{v.reason}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function RulesWorkbench() {
  const { t } = useTranslation('rules');
  const currentQ = useQuery({ queryKey: ['rulesetCurrent'], queryFn: () => call('rulesetCurrent', {}) });
  const versionsQ = useQuery({ queryKey: ['rulesetVersions'], queryFn: () => call('rulesetVersions', {}) });
  const current = currentQ.data;
  const handle = useRulesetDraft(current);
  const [tab, setTab] = useState<Tab>(initialTab);
  const [selected, setSelected] = useState<Selection>(0);
  const [simulation, setSimulation] = useState<SimulationRun | null>(null);
  useEffect(() => sessionStorage.setItem(TAB_KEY, tab), [tab]);

  const submit = useMemo(() => toSubmit(handle.draft), [handle.draft]);
  const draftKey = useMemo(() => canonical(submit), [submit]);
  const [checkedKey] = useDebouncedValue(draftKey, 400);
  const validation = useQuery({
    queryKey: ['validateRuleset', checkedKey],
    queryFn: () => call('validateRuleset', { ruleset: JSON.parse(checkedKey) as unknown }),
    enabled: current !== undefined,
    staleTime: Infinity,
    placeholderData: (prev) => prev,
  });
  const validating = checkedKey !== draftKey || validation.isFetching || (!validation.data && !validation.error);
  const problems: Problem[] = validation.data?.problems ?? [];
  const valid = validation.data?.ok === true;

  const published = current?.spec ?? EMPTY_RULESET;
  const diff = useMemo(() => diffRulesets(published, handle.draft), [published, handle.draft]);
  const summary = summariseDiff(diff);
  const ruleText = useRuleText();
  const ruleNames = useMemo(() => new Map([...published.rules, ...handle.draft.rules].map((r) => [r.id, ruleText.name(r)])), [published, handle.draft, ruleText]);
  const versions = versionsQ.data ?? [];

  if (currentQ.isLoading || versionsQ.isLoading) return <Loader />;
  if (!current) return <ErrorNote error={currentQ.error} />;

  const openProblem = (p: Problem) => {
    setTab('editor');
    if (p.rule === undefined) return setSelected('parameters');
    const i = handle.draft.rules.findIndex((r, j) => problemsOfRule([p], r, j).length > 0);
    setSelected(i >= 0 ? i : 'parameters');
  };
  const nextVersion = (versions[0]?.version ?? current.version ?? 0) + 1;

  return (
    <Stack gap="sm">
      <Title order={2}>{t('title')}</Title>
      <DraftStatus handle={handle} currentVersion={current.version} changes={diff.size} summary={summary} problems={problems.length} validating={validating} unchecked={!!validation.error && !validating} />
      <ErrorNote error={validation.error} title={t('checkFailed')} />
      <Tabs value={tab} onChange={(v) => v && setTab(v as Tab)} keepMounted keepMountedMode="display-none">
        <Tabs.List mb="md">
          <Tabs.Tab value="published" data-testid="rules-tab-published">
            {current.version ? t('tab.publishedVersion', { version: current.version }) : t('tab.published')}
          </Tabs.Tab>
          <Tabs.Tab
            value="editor"
            data-testid="rules-tab-editor"
            rightSection={problems.length > 0 ? <Badge color="red" size="xs">{problems.length}</Badge> : diff.size > 0 ? <Badge color="yellow" size="xs">{diff.size}</Badge> : null}
          >
            {t('tab.editor')}
          </Tabs.Tab>
          <Tabs.Tab value="simulate" data-testid="rules-tab-simulate">
            {t('tab.simulate')}
          </Tabs.Tab>
          <Tabs.Tab value="history" data-testid="rules-tab-history">
            {t('tab.history', { n: versions.length })}
          </Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="published">
          <PublishedView current={current} version={versions.find((v) => v.version === current.version)} onEdit={() => setTab('editor')} />
        </Tabs.Panel>

        <Tabs.Panel value="editor">
          <DraftEditor handle={handle} current={current} problems={problems} selected={selected} onSelect={setSelected} />
        </Tabs.Panel>

        <Tabs.Panel value="simulate">
          <Stack gap="md">
            <Accordion variant="contained" defaultValue="diff" data-testid="draft-diff">
              <Accordion.Item value="diff">
                <Accordion.Control>
                  <Text size="sm">
                    <Trans
                      i18nKey="rules:draftChanges"
                      values={{ base: current.version ? t('baseVersion', { version: current.version }) : t('baseDefaults'), summary }}
                      components={{ b: <b /> }}
                    />
                  </Text>
                </Accordion.Control>
                <Accordion.Panel>
                  <RulesetDiffView diff={diff} beforeLabel={current.version ? t('diff.publishedVersion', { version: current.version }) : t('diff.defaults')} afterLabel={t('diff.draft')} testId="draft-diff-view" />
                </Accordion.Panel>
              </Accordion.Item>
            </Accordion>
            <SimulatePanel
              draft={submit}
              draftKey={draftKey}
              valid={valid && !validating}
              validating={validating}
              run={simulation}
              onRun={setSimulation}
              ruleNames={ruleNames}
              onOpenProblem={openProblem}
            />
            <PublishPanel
              draft={submit}
              draftKey={draftKey}
              changes={summary}
              hasChanges={diff.size > 0 || current.version === null}
              valid={valid && !validating}
              validating={validating}
              nextVersion={nextVersion}
              simulation={simulation}
              ruleNames={ruleNames}
              onOpenProblem={openProblem}
              onPublished={(publishedKey) => {
                setSimulation(null);
                // Edits made while the job ran stay in the draft; an untouched draft is now the published ruleset.
                if (publishedKey === draftKey) handle.discard();
              }}
            />
          </Stack>
        </Tabs.Panel>

        <Tabs.Panel value="history">
          {versionsQ.error ? (
            <ErrorNote error={versionsQ.error} />
          ) : (
            <VersionHistory key={versions[0]?.version ?? 0} versions={versions} currentVersion={current.version} handle={handle} draftChanges={diff.size} onRestored={() => setTab('editor')} />
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
