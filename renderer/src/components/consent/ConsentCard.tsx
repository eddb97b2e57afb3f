/**
 * A citizen's consent to being scored (SCORING_MODEL §1, §3): whether the
 * published ruleset requires it, the consent that counts at the scoring date
 * and so whether the citizen is scored, and the whole history with its
 * evidence, who recorded each entry and why. Officials record a new entry
 * (RecordConsentModal); nothing earlier is ever changed.
 */
import { Anchor, Badge, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ConsentView } from '../../../../shared/contract';
import { when } from '../../format';
import { useAccess } from '../approvals/access';
import { RecordConsentModal } from './RecordConsentModal';

export const STATUS_COLORS = { given: 'teal', withdrawn: 'orange', refused: 'red' } as const;

export function ConsentStatusBadge({ status }: { status: keyof typeof STATUS_COLORS | null }) {
  const { t } = useTranslation('consent');
  return (
    <Badge color={status ? STATUS_COLORS[status] : 'gray'} variant="light" tt="none" data-testid="consent-status">
      {status ? t(`status.${status}`) : t('card.none')}
    </Badge>
  );
}

export function ConsentCard({ citizenId, name, consent }: { citizenId: string; name: string; consent: ConsentView }) {
  const { t } = useTranslation('consent');
  const { mayAct } = useAccess();
  const [recording, setRecording] = useState(false);
  const laterRecord = consent.latest !== null && consent.history[0] && consent.asOf !== null && Date.parse(consent.history[0].at) > Date.parse(consent.asOf);
  return (
    <Card withBorder id="consent" data-testid="consent-card">
      <Group justify="space-between" align="flex-start" mb="xs">
        <Title order={4}>{t('card.title')}</Title>
        {mayAct && (
          <Button size="xs" variant="light" onClick={() => setRecording(true)} data-testid="consent-record">
            {t('card.recordButton')}
          </Button>
        )}
      </Group>
      <Stack gap={6}>
        <Text size="sm" c="dimmed">
          {consent.asOf === null ? t('card.noRuleset') : consent.required ? t('card.required') : t('card.notRequired')}
        </Text>
        {consent.asOf !== null && (
          <Group gap={8}>
            <Text size="sm">{t('card.atScoringDate', { asOf: when(consent.asOf) })}</Text>
            <ConsentStatusBadge status={consent.atScoringInstant} />
            <Badge color={consent.inScope ? 'indigo' : 'gray'} variant={consent.inScope ? 'light' : 'outline'} tt="none" data-testid="consent-scope">
              {consent.inScope ? t('card.inScope') : t('card.outOfScope')}
            </Badge>
          </Group>
        )}
        {laterRecord && (
          <Text size="sm" c="var(--credence-warning-text)">
            {t('card.latestLater', { status: t(`status.${consent.latest!}`) })}
          </Text>
        )}
        <Text size="sm" fw={600} mt={4}>
          {t('card.history')}
        </Text>
        {consent.history.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('card.noHistory')}
          </Text>
        ) : (
          <Table striped withTableBorder fz="sm" data-testid="consent-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('card.when')}</Table.Th>
                <Table.Th>{t('card.status')}</Table.Th>
                <Table.Th>{t('card.evidence')}</Table.Th>
                <Table.Th>{t('card.recordedBy')}</Table.Th>
                <Table.Th>{t('card.reason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {consent.history.map((h) => (
                <Table.Tr key={h.seq}>
                  <Table.Td ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                    {when(h.at)}
                  </Table.Td>
                  <Table.Td>
                    <ConsentStatusBadge status={h.status} />
                  </Table.Td>
                  <Table.Td>{h.evidence}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {h.recordedBy}
                    <Text size="xs" c="dimmed">
                      {when(h.recordedAt)} ·{' '}
                      <Anchor component={Link} href={`/operations/${h.operationId}`} size="xs">
                        #{h.operationId}
                      </Anchor>
                    </Text>
                  </Table.Td>
                  <Table.Td maw={280}>{h.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      {recording && <RecordConsentModal citizenId={citizenId} name={name} consent={consent} onClose={() => setRecording(false)} />}
    </Card>
  );
}
