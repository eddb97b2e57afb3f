/** One line saying what the draft is (based on which version, how far from it, valid or not), with a way to discard it. */
import { Alert, Badge, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
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
  const [confirm, setConfirm] = useState(false);
  const behind = handle.stored && handle.basedOn !== currentVersion;
  return (
    <Stack gap="xs">
      <Group gap="xs" data-testid="draft-status">
        <Text size="sm" fw={600}>
          Draft
        </Text>
        <Text size="sm" c="dimmed">
          {handle.stored ? `based on ${handle.basedOn ? `version ${handle.basedOn}` : 'no published version'}` : `not started: a copy of ${currentVersion ? `version ${currentVersion}` : 'the defaults'}`}
          {handle.restoredFrom !== undefined && `, restored from version ${handle.restoredFrom}`}
          {handle.savedAt && ` · saved on this computer ${when(handle.savedAt)} UTC`}
        </Text>
        <Badge variant="light" color={changes ? 'yellow' : 'gray'} data-testid="draft-changes" title={summary}>
          {changes ? summary : 'no changes'}
        </Badge>
        {validating || unchecked ? (
          <Badge variant="light" color="gray" data-testid="draft-validity">
            {unchecked ? 'not checked' : 'checking…'}
          </Badge>
        ) : problems > 0 ? (
          <Badge color="red" data-testid="draft-validity">
            {problems} problem{problems === 1 ? '' : 's'}
          </Badge>
        ) : (
          <Badge color="teal" variant="light" data-testid="draft-validity">
            valid
          </Badge>
        )}
        {handle.stored && (
          <Button size="compact-xs" variant="subtle" color="red" onClick={() => setConfirm(true)} data-testid="discard-draft">
            Discard draft
          </Button>
        )}
      </Group>
      {behind && (
        <Alert color="yellow" p="xs" data-testid="draft-behind">
          This draft started from {handle.basedOn ? `version ${handle.basedOn}` : 'an empty database'}, but version {currentVersion} has been published since. Its changes are counted against version {currentVersion}: check them
          before publishing, or discard the draft.
        </Alert>
      )}
      <Modal opened={confirm} onClose={() => setConfirm(false)} title={<Text fw={700}>Discard the draft?</Text>}>
        <Stack gap="sm">
          <Text size="sm">The draft ({changes ? summary : 'no changes'}) is thrown away and the editor starts again from the published ruleset.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(false)}>
              Keep it
            </Button>
            <Button
              color="red"
              onClick={() => {
                handle.discard();
                setConfirm(false);
              }}
              data-testid="discard-confirm"
            >
              Discard
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
