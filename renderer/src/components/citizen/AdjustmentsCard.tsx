/**
 * Manual score adjustments of one citizen under the two-person rule: the
 * ones waiting for a second user, the approved ones, and for officials the
 * form that proposes a new one.
 */
import { Alert, Anchor, Badge, Button, Group, NumberInput, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
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
          Propose an adjustment
        </Text>
        <Group align="flex-start" grow preventGrowOverflow={false}>
          <NumberInput
            label="Points"
            description="Added to the own score; negative lowers it"
            placeholder="e.g. 25 or -10"
            value={amount}
            onChange={setAmount}
            min={-1000}
            max={1000}
            decimalScale={2}
            maw={180}
            error={amount !== '' && !amountOk ? 'a non-zero number from −1000 to 1000' : undefined}
            data-testid="adjust-points"
          />
          <ReasonField
            label="Justification"
            description="Why, with the decision or document it rests on"
            placeholder="e.g. Court ruling 2026/114 annulled the fine recorded on 3 March"
            value={justification}
            onChange={setJustification}
            min={MIN_JUSTIFICATION}
            data-testid="adjust-justification"
          />
        </Group>
        <Group>
          <Button type="submit" variant="light" disabled={!amountOk || !justificationOk} loading={propose.isPending} data-testid="adjust-submit">
            Propose for approval
          </Button>
          <Text size="xs" c="dimmed">
            Nothing changes until a second user approves it on the Approvals page; you cannot approve your own proposal.
          </Text>
        </Group>
        <ErrorNote error={propose.error} title="The adjustment was not proposed" />
        {done && (
          <Alert color="blue" data-testid="adjust-result" withCloseButton onClose={() => setDone(null)}>
            Proposal #{done.id} ({points(done.points)} points) is waiting for a second user.{' '}
            <Anchor component={Link} href="/approvals" size="sm">
              Open Approvals
            </Anchor>
          </Alert>
        )}
      </Stack>
    </form>
  );
}

function AdjustmentRows({ list }: { list: Proposal[] }) {
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
                title={p.status === 'rejected' ? 'rejected: not applied' : undefined}
              >
                {a ? points(a.points) : '—'}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{p.reason}</Text>
                <Group gap={6} mt={2} wrap="wrap">
                  <Badge size="sm" color={p.status === 'pending' ? 'yellow' : p.status === 'approved' ? 'teal' : 'gray'} variant="light" style={{ flexShrink: 0 }} data-testid="adjustment-status">
                    {p.status === 'pending' ? 'waiting for approval' : p.status}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    #{p.id} proposed by {p.proposedBy} on {when(p.proposedAt)}
                    {p.decidedBy && ` · ${p.status} by ${p.decidedBy} on ${when(p.decidedAt ?? '')}`}
                    {p.operationId !== null && (
                      <>
                        {' · '}
                        <Anchor component={Link} href={`/operations/${p.operationId}`} size="xs">
                          operation #{p.operationId}
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
  const { mayAct } = useAccess();
  const proposals = useQuery({ queryKey: ['proposals', 'all'], queryFn: () => call('proposals', {}) });
  const mine = (proposals.data ?? []).filter((p) => adjustmentOf(p)?.citizenId === citizenId && p.status !== 'withdrawn');
  return (
    <Stack gap="sm">
      <ErrorNote error={proposals.error} title="The proposals could not be loaded" />
      {mine.length > 0 ? (
        <AdjustmentRows list={mine} />
      ) : (
        <Text size="sm" c="dimmed">
          No manual adjustment has been proposed for this citizen.
        </Text>
      )}
      {mayAct && <ProposeForm citizenId={citizenId} />}
    </Stack>
  );
}
