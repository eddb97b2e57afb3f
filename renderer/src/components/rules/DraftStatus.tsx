/** One line saying what the draft is (based on which version, how far from it, valid or not), with a way to discard it. */
import { Alert, Badge, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { when } from '../../format';
import type { DraftHandle } from './draft';

interface Props {
  handle: DraftHandle;
  currentVersion: number | null;
  changes: number;
  summary: string;
  problems: number;
  validating: boolean;
  /** The validation call itself failed: say so rather than "valid". */
  unchecked?: boolean;
}

export function DraftStatus({ handle, currentVersion, changes, summary, problems, validating, unchecked }: Props) {
  const { t } = useTranslation('rules');
  const [confirm, setConfirm] = useState(false);
  const basis = handle.stored
    ? handle.basedOn
      ? t('status.basedOn', { version: handle.basedOn })
      : t('status.basedOnNothing')
    : currentVersion
      ? t('status.notStarted', { version: currentVersion })
      : t('status.notStartedDefaults');
  const line = [basis, handle.restoredFrom !== undefined && t('status.restoredFrom', { version: handle.restoredFrom }), handle.savedAt && t('status.savedAt', { when: when(handle.savedAt) })];
  const shownSummary = changes ? summary : t('diff.noChanges');
  const behind = handle.stored && handle.basedOn !== currentVersion;
  return (
    <Stack gap="xs">
      <Group gap="xs" data-testid="draft-status">
        <Text size="sm" fw={600}>
          {t('status.draft')}
        </Text>
        <Text size="sm" c="dimmed">
          {line.filter((x): x is string => typeof x === 'string' && x !== '').join(' · ')}
        </Text>
        <Badge variant="light" color={changes ? 'yellow' : 'gray'} data-testid="draft-changes" title={summary}>
          {shownSummary}
        </Badge>
        {validating || unchecked ? (
          <Badge variant="light" color="gray" data-testid="draft-validity">
            {unchecked ? t('status.notChecked') : t('status.checking')}
          </Badge>
        ) : problems > 0 ? (
          <Badge color="red" data-testid="draft-validity">
            {t('problem.count', { count: problems })}
          </Badge>
        ) : (
          <Badge color="teal" variant="light" data-testid="draft-validity">
            {t('status.valid')}
          </Badge>
        )}
        {handle.stored && (
          <Button size="compact-xs" variant="subtle" color="red" onClick={() => setConfirm(true)} data-testid="discard-draft">
            {t('status.discard')}
          </Button>
        )}
      </Group>
      {behind && (
        <Alert color="yellow" p="xs" data-testid="draft-behind">
          {handle.basedOn ? t('status.behind', { based: handle.basedOn, current: currentVersion }) : t('status.behindEmpty', { current: currentVersion })}
        </Alert>
      )}
      <Modal opened={confirm} onClose={() => setConfirm(false)} title={<Text fw={700}>{t('status.discardTitle')}</Text>}>
        <Stack gap="sm">
          <Text size="sm">{t('status.discardBody', { summary: shownSummary })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(false)}>
              {t('status.keep')}
            </Button>
            <Button
              color="red"
              onClick={() => {
                handle.discard();
                setConfirm(false);
              }}
              data-testid="discard-confirm"
            >
              {t('status.discardConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
