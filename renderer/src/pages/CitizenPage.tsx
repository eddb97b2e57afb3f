/**
 * A citizen's record, built for the question "why is this score what it is,
 * and why did it change?": the score and tier, the top reasons, the score
 * history from the ledger, contributions by rule down to the events, the
 * friend penalty by friend, the tier's measures and what was decided about
 * them, manual adjustments under the two-person rule, the citizen's disputes,
 * the audit trail, and every event on record.
 */
import { Button, Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Output } from '../../../shared/contract';
import { ApiError, call, recordPurpose } from '../api';
import { errorText } from '../i18n/errorText';
import { useAccess } from '../components/approvals/access';
import { AdjustmentsCard } from '../components/citizen/AdjustmentsCard';
import { AuditTrail } from '../components/citizen/AuditTrail';
import { DisputesCard } from '../components/citizen/DisputesCard';
import { EventList } from '../components/citizen/EventList';
import { FriendPenalty } from '../components/citizen/FriendPenalty';
import { MeasuresCard } from '../components/citizen/MeasuresCard';
import { NetworkReach } from '../components/citizen/NetworkReach';
import { OutlookCard } from '../components/citizen/OutlookCard';
import { PurposePrompt } from '../components/citizen/PurposePrompt';
import { RecordEventModal } from '../components/citizen/RecordEventModal';
import { RecordHeader } from '../components/citizen/RecordHeader';
import { RecordViewers } from '../components/citizen/RecordViewers';
import { ScoreBreakdown } from '../components/citizen/ScoreBreakdown';
import { ScoreSummary } from '../components/citizen/ScoreSummary';
import { ConsentCard } from '../components/consent/ConsentCard';
import { UnscoredNotice } from '../components/consent/UnscoredNotice';
import { ErrorNote } from '../components/ErrorNote';
import { count } from '../format';
import { usePageTitle } from '../pageTitle';

type Explanation = NonNullable<Output<'citizen'>['explanation']>;

/** One record per mount: a link to another record (a friend's) asks for that record's purpose afresh. */
export function CitizenPage({ citizenId }: { citizenId: string }) {
  return <PurposeGate key={citizenId} citizenId={citizenId} />;
}

function PurposeGate({ citizenId }: { citizenId: string }) {
  const [purpose, setPurpose] = useState(() => recordPurpose.get(citizenId));
  const [refused, setRefused] = useState<string>();
  if (purpose === undefined) {
    return (
      <PurposePrompt
        citizenId={citizenId}
        refused={refused}
        onStated={(p) => {
          recordPurpose.set(citizenId, p);
          setPurpose(p);
        }}
      />
    );
  }
  return (
    <CitizenRecord
      citizenId={citizenId}
      purpose={purpose}
      onRefused={(message) => {
        recordPurpose.forget(citizenId);
        setRefused(message);
        setPurpose(undefined);
      }}
    />
  );
}

/** One opening of the record: a logged read with the stated purpose; refused for want of one when the administrator made it mandatory since. */
function useCitizenRecord(citizenId: string, purpose: string, onRefused: (message: string) => void) {
  return useQuery({
    queryKey: ['citizen', citizenId],
    queryFn: async () => {
      try {
        return await call('citizen', { citizenId, purpose: purpose || undefined });
      } catch (err) {
        // The administrator made the purpose mandatory since: ask for one.
        if (err instanceof ApiError && err.code === 'rejected' && /purpose/.test(err.message)) onRefused(errorText(err));
        throw err;
      }
    },
    retry: false,
    // Every opening is a read of personal data and is logged: never shown from the cache alone.
    staleTime: 0,
  });
}

/** A titled card of the record; `id` is the anchor other parts of the page scroll to. */
function Section({ title, id, note, children }: { title: string; id?: string; note?: string; children: ReactNode }) {
  return (
    <Card withBorder id={id}>
      <Title order={3} size="h4" mb="xs">
        {title}
      </Title>
      {note && (
        <Text size="sm" c="dimmed" mb="xs">
          {note}
        </Text>
      )}
      {children}
    </Card>
  );
}

/** How the score is made, by rule and by friend; its outlook and network reach; the tier's measures and the manual adjustments. */
function ScoreDetails({ citizenId, e }: { citizenId: string; e: Explanation }) {
  const { t } = useTranslation('citizen');
  return (
    <>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Section title={t('sections.breakdown')}>
          <ScoreBreakdown e={e} />
        </Section>
        <Section title={t('sections.friends')} id="friends" note={t('sections.friendsNote')}>
          <FriendPenalty e={e} />
        </Section>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <OutlookCard citizenId={citizenId} />
        <NetworkReach citizenId={citizenId} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Section title={t('sections.measures', { tier: e.tier })} id="measures">
          <MeasuresCard citizenId={citizenId} tier={e.tier} rulesetVersion={e.rulesetVersion} />
        </Section>
        <Section title={t('sections.adjustments')} id="adjustments" note={t('sections.adjustmentsNote')}>
          <AdjustmentsCard citizenId={citizenId} />
        </Section>
      </SimpleGrid>
    </>
  );
}

function EventsSection({ citizenId, eventCount }: { citizenId: string; eventCount: number }) {
  const { t } = useTranslation('citizen');
  const { mayAct } = useAccess();
  const [recording, setRecording] = useState(false);
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4">
          {t('sections.events', { count: eventCount, events: count(eventCount) })}
        </Title>
        {mayAct && (
          <Button size="xs" onClick={() => setRecording(true)} data-testid="record-event-button">
            {t('sections.recordEvent')}
          </Button>
        )}
      </Group>
      <EventList citizenId={citizenId} />
      {recording && <RecordEventModal citizenId={citizenId} onClose={() => setRecording(false)} />}
    </Card>
  );
}

function CitizenRecord({ citizenId, purpose, onRefused }: { citizenId: string; purpose: string; onRefused: (message: string) => void }) {
  const { t } = useTranslation('citizen');
  const { data, error, isLoading } = useCitizenRecord(citizenId, purpose, onRefused);
  usePageTitle(data ? t('pageTitle', { name: data.summary.name, citizenId }) : t('pageTitleLoading', { citizenId }));
  if (isLoading) return <Loader aria-label={t('common:auth.loading')} />;
  if (error || !data) return <ErrorNote error={error} title={t('loadFailed', { citizenId })} />;
  const { summary, explanation: e, history } = data;
  return (
    <Stack>
      <RecordHeader record={data} />
      {!e && <UnscoredNotice name={summary.name} consent={data.consent} />}
      {e && <ScoreSummary record={data} e={e} />}
      {e && <ScoreDetails citizenId={summary.citizenId} e={e} />}
      {/* One place for both a scored and an unscored record, so a consent just recorded keeps its result open while the record turns. */}
      <ConsentCard citizenId={summary.citizenId} name={summary.name} consent={data.consent} />
      <Section title={t('sections.disputes')} id="disputes">
        <DisputesCard citizenId={summary.citizenId} />
      </Section>
      <Section title={t('sections.audit')}>
        <AuditTrail entries={history} />
      </Section>
      <RecordViewers citizenId={citizenId} purpose={purpose} />
      <EventsSection citizenId={summary.citizenId} eventCount={data.eventCount} />
    </Stack>
  );
}
