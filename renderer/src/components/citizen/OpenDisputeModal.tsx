/** Record that a citizen disputes an event or a confirmed restriction, in their own words. */
import { List, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { call } from '../../api';
import { refreshCases } from './refresh';
import { ReasonModal } from './ReasonModal';

export type DisputeTarget = { eventId: string; measureId?: undefined; label: string } | { measureId: string; eventId?: undefined; label: string };

export function OpenDisputeModal({ citizenId, target, onClose }: { citizenId: string; target: DisputeTarget; onClose: () => void }) {
  const { t } = useTranslation('disputes');
  const qc = useQueryClient();
  const subject = target.eventId ? t('open.subjectEvent', { event: target.eventId }) : t('open.subjectRestriction', { name: target.label });
  return (
    <ReasonModal
      title={t('open.title', { subject })}
      label={t('open.statement')}
      description={t('open.statementHelp')}
      placeholder={t('open.statementPlaceholder')}
      maxLength={5000}
      confirmLabel={t('open.confirm')}
      testId="open-dispute"
      onClose={onClose}
      onConfirm={async (statement) => {
        const { disputeId } = await call('openDispute', { citizenId, statement, ...(target.eventId ? { eventId: target.eventId } : { measureId: target.measureId }) });
        notifications.show({ color: 'blue', title: t('open.done', { id: disputeId }), message: t('open.doneAbout', { subject }) });
        await refreshCases(qc);
      }}
    >
      <Text size="sm">
        {t('open.disputing')} <b>{target.label}</b>
      </Text>
      <List size="sm" spacing={2}>
        <List.Item>{t('open.step1')}</List.Item>
        <List.Item>{target.eventId ? t('open.step2Event') : t('open.step2Restriction')}</List.Item>
        <List.Item>{t('open.step3')}</List.Item>
      </List>
    </ReasonModal>
  );
}
