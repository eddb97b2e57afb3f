/**
 * Recording consent, a withdrawal or a refusal for one citizen (an official's
 * act): the status, the instant on the form, the evidence and a reason. The
 * form says before confirming what the entry does to the citizen's scoring
 * under the published ruleset, and after it what moved (the citizen and how
 * many friends). A double click records once: the button waits for the reply.
 */
import { Alert, Button, Group, Modal, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsentView, Output } from '../../../../shared/contract';
import { parseInstantMs } from '../../../../shared/instant';
import { call } from '../../api';
import { score, when } from '../../format';
import { ReasonField, hasReason } from '../ReasonField';
import { ErrorNote } from '../ErrorNote';
import { refreshScores } from '../citizen/refresh';

type Status = 'given' | 'withdrawn' | 'refused';
const REASON_MIN = 10;

/** Now, to the second, as the form's default instant. */
const nowInstant = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function RecordConsentModal({ citizenId, name, consent, onClose }: { citizenId: string; name: string; consent: ConsentView; onClose: () => void }) {
  const { t } = useTranslation('consent');
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status>(consent.atScoringInstant === 'given' ? 'withdrawn' : 'given');
  const [at, setAt] = useState(nowInstant);
  const [evidence, setEvidence] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<Output<'recordConsent'>>();
  const atMs = parseInstantMs(at.trim());
  const asOfMs = consent.asOf ? Date.parse(consent.asOf) : null;
  const later = atMs !== null && asOfMs !== null && atMs > asOfMs;
  const inScopeAfter = !consent.required || later ? consent.inScope : status === 'given';
  const effect = inScopeAfter === consent.inScope ? 'effectNone' : inScopeAfter ? 'effectIn' : 'effectOut';
  const record = useMutation({
    mutationFn: () => call('recordConsent', { citizenId, status, at: at.trim(), evidence: evidence.trim(), reason: reason.trim() }),
    onSuccess: async (r) => {
      setDone(r);
      await refreshScores(qc);
    },
  });
  const ready = atMs !== null && evidence.trim().length > 0 && hasReason(reason, REASON_MIN) && !record.isPending;

  return (
    <Modal opened onClose={onClose} title={<Text fw={700}>{t('modal.title', { name })}</Text>} size="lg" data-testid="consent-modal">
      {done ? (
        <Stack gap="sm" data-testid="consent-result">
          <Alert color="teal" title={t('result.title', { id: done.operationId })}>
            <Stack gap={4}>
              <Text size="sm">
                {done.inScopeBefore && !done.inScopeAfter
                  ? t('result.leftScope', { name })
                  : !done.inScopeBefore && done.inScopeAfter
                    ? t('result.enteredScope', { name, score: score(done.after?.score) })
                    : t('result.unchanged')}
              </Text>
              {done.afterScoringInstant && <Text size="sm">{t('result.later')}</Text>}
              <Text size="sm" data-testid="consent-friends-moved">
                {done.friendsMoved > 0 ? t('result.friendsMoved', { count: done.friendsMoved }) : t('result.noFriendsMoved')}
              </Text>
            </Stack>
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose} data-testid="consent-done">
              {t('modal.done')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {t('modal.intro')}
          </Text>
          <Radio.Group label={t('modal.status')} value={status} onChange={(v) => setStatus(v as Status)}>
            <Stack gap={6} mt={6}>
              <Radio value="given" label={t('modal.statusGiven')} data-testid="consent-status-given" />
              <Radio value="withdrawn" label={t('modal.statusWithdrawn')} data-testid="consent-status-withdrawn" />
              <Radio value="refused" label={t('modal.statusRefused')} data-testid="consent-status-refused" />
            </Stack>
          </Radio.Group>
          <TextInput
            label={t('modal.at')}
            description={t('modal.atHelp')}
            value={at}
            onChange={(e) => setAt(e.currentTarget.value)}
            error={atMs === null ? t('modal.atInvalid') : undefined}
            ff="monospace"
            data-testid="consent-at"
          />
          {later && consent.asOf && (
            <Alert color="yellow" p="xs">
              <Text size="sm">{t('modal.afterScoringDate', { asOf: when(consent.asOf) })}</Text>
            </Alert>
          )}
          <TextInput label={t('modal.evidence')} description={t('modal.evidenceHelp')} value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} maxLength={500} data-testid="consent-evidence" />
          <ReasonField label={t('modal.reason')} placeholder={t('modal.reasonPlaceholder')} value={reason} onChange={setReason} min={REASON_MIN} data-testid="consent-reason" />
          {consent.asOf && (
            <Alert color={effect === 'effectOut' ? 'orange' : effect === 'effectIn' ? 'indigo' : 'gray'} p="xs" data-testid="consent-effect">
              <Text size="sm">{t(`modal.${effect}`, { name })}</Text>
            </Alert>
          )}
          {record.error && <ErrorNote error={record.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('modal.cancel')}
            </Button>
            <Button onClick={() => record.mutate()} disabled={!ready} loading={record.isPending} data-testid="consent-confirm">
              {t('modal.confirm')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
