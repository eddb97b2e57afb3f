/**
 * Manual score adjustments of one citizen under the two-person rule: the
 * ones waiting for a second user, the approved ones, and for officials the
 * form that proposes a new one.
 */
import { Alert, Anchor, Badge, Button, Group, NumberInput, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Proposal } from '../../../../shared/contract';
import { call } from '../../api';
import { points, when } from '../../format';
import { adjustmentOf } from '../approvals/proposalText';
import { useAccess } from '../approvals/access';
import { ReasonField } from '../ReasonField';
import { ErrorNote } from '../ErrorNote';
import { refreshCases } from './refresh';

const MIN_JUSTIFICATION = 10;

function ProposeForm({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('citizen');
  const qc = useQueryClient();
  const [amount, setAmount] = useState<number | string>('');
  const [justification, setJustification] = useState('');
  const [done, setDone] = useState<{ id: number; points: number } | null>(null);
  const value = typeof amount === 'number' ? amount : Number.NaN;
  const amountOk = Number.isFinite(value) && value !== 0 && Math.abs(value) <= 1000;
  const justificationOk = justification.trim().length >= MIN_JUSTIFICATION;
  const propose = useMutation({
    mutationFn: () => call('proposeAdjustment', { citizenId, points: value, justification: justification.trim() }),
    onSuccess: async ({ proposalId }) => {
      setDone({ id: proposalId, points: value });
      setAmount('');
      setJustification('');
      await refreshCases(qc);
    },
  });
  return (
    <form
      data-testid="propose-adjustment"
      onSubmit={(e) => {
        e.preventDefault();
        if (amountOk && justificationOk) propose.mutate();
      }}
    >
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          {t('adjust.propose')}
        </Text>
        <Group align="flex-start" grow preventGrowOverflow={false}>
          <NumberInput
            label={t('adjust.points')}
            description={t('adjust.pointsHelp')}
            placeholder={t('adjust.pointsPlaceholder')}
            value={amount}
            onChange={setAmount}
            min={-1000}
            max={1000}
            decimalScale={2}
            maw={180}
            error={amount !== '' && !amountOk ? t('adjust.pointsError') : undefined}
            data-testid="adjust-points"
          />
          <ReasonField
            label={t('adjust.justification')}
            description={t('adjust.justificationHelp')}
            placeholder={t('adjust.justificationPlaceholder')}
            value={justification}
            onChange={setJustification}
            min={MIN_JUSTIFICATION}
            data-testid="adjust-justification"
          />
        </Group>
        <Group>
          <Button type="submit" variant="light" disabled={!amountOk || !justificationOk} loading={propose.isPending} data-testid="adjust-submit">
            {t('adjust.submit')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('adjust.secondUser')}
          </Text>
        </Group>
        <ErrorNote error={propose.error} title={t('adjust.failed')} />
        {done && (
          <Alert color="blue" data-testid="adjust-result" withCloseButton onClose={() => setDone(null)}>
            {t('adjust.waiting', { id: done.id, points: points(done.points) })}{' '}
            <Anchor component={Link} href="/approvals" size="sm">
              {t('adjust.openApprovals')}
            </Anchor>
          </Alert>
        )}
      </Stack>
    </form>
  );
}

function AdjustmentRows({ list }: { list: Proposal[] }) {
  const { t } = useTranslation('citizen');
  return (
    <Table verticalSpacing={4} data-testid="adjustment-proposals">
      <Table.Tbody>
        {list.map((p) => {
          const a = adjustmentOf(p);
          return (
            <Table.Tr key={p.id} data-testid="adjustment-proposal">
              <Table.Td
                ff="monospace"
                w={90}
                c={p.status === 'rejected' ? 'dimmed' : a && a.points < 0 ? 'red.7' : 'teal.7'}
                style={p.status === 'rejected' ? { textDecoration: 'line-through' } : undefined}
                title={p.status === 'rejected' ? t('adjust.rejectedTitle') : undefined}
              >
                {a ? points(a.points) : '—'}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{p.reason}</Text>
                <Group gap={6} mt={2} wrap="wrap">
                  <Badge size="sm" color={p.status === 'pending' ? 'yellow' : p.status === 'approved' ? 'teal' : 'gray'} variant="light" style={{ flexShrink: 0 }} data-testid="adjustment-status">
                    {t(`adjust.status_${p.status}`, { defaultValue: p.status })}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {t('adjust.proposedBy', { id: p.id, by: p.proposedBy, at: when(p.proposedAt) })}
                    {p.decidedBy && ` · ${p.status === 'approved' ? t('adjust.approvedBy', { by: p.decidedBy, at: when(p.decidedAt ?? '') }) : t('adjust.decidedBy', { status: t(`adjust.status_${p.status}`, { defaultValue: p.status }), by: p.decidedBy, at: when(p.decidedAt ?? '') })}`}
                    {p.operationId !== null && (
                      <>
                        {' · '}
                        <Anchor component={Link} href={`/operations/${p.operationId}`} size="xs">
                          {t('adjust.operation', { id: p.operationId })}
                        </Anchor>
                      </>
                    )}
                  </Text>
                </Group>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

export function AdjustmentsCard({ citizenId }: { citizenId: string }) {
  const { t } = useTranslation('citizen');
  const { mayAct } = useAccess();
  const proposals = useQuery({ queryKey: ['proposals', 'all'], queryFn: () => call('proposals', {}) });
  const mine = (proposals.data ?? []).filter((p) => adjustmentOf(p)?.citizenId === citizenId && p.status !== 'withdrawn');
  return (
    <Stack gap="sm">
      <ErrorNote error={proposals.error} title={t('adjust.loadFailed')} />
      {mine.length > 0 ? (
        <AdjustmentRows list={mine} />
      ) : (
        <Text size="sm" c="dimmed">
          {t('adjust.none')}
        </Text>
      )}
      {mayAct && <ProposeForm citizenId={citizenId} />}
    </Stack>
  );
}
