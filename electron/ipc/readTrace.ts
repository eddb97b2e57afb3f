/**
 * Which channel replies carry personal data, and what each read is logged
 * as: one access-log row per call naming the citizens (and events, disputes)
 * it returned, with the caller's purpose. Reads that opened a record or
 * produced an export are logged by dispatch's recordAccess.
 */
import type { ChannelName } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { logAccess } from '../services/accessLog.js';
import { logRead } from '../services/readLog.js';

type Row = Record<string, unknown>;
const rowsOf = (output: unknown): Row[] => ((output as { rows?: Row[] }).rows ?? (Array.isArray(output) ? (output as Row[]) : []));
const ids = (rows: Row[], key: string): string[] => rows.map((r) => r[key]).filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);

export function recordRead(db: Db, name: ChannelName, input: Row, output: unknown, username: string): void {
  const purpose = typeof input.purpose === 'string' && input.purpose.trim() ? input.purpose.trim() : null;
  const citizenId = typeof input.citizenId === 'string' ? input.citizenId : null;
  switch (name) {
    case 'search': {
      const rows = rowsOf(output);
      const { query, district, tier, minScore, maxScore, offset, limit } = input;
      logRead(db, { username, action: 'search', citizenIds: ids(rows, 'citizenId'), detail: { key: 'access.read.search', params: { filters: JSON.stringify({ query, district, tier, minScore, maxScore, offset, limit }) } }, purpose });
      return;
    }
    case 'citizenEvents': {
      const rows = rowsOf(output);
      const eventIds = ids(rows, 'eventId');
      logRead(db, { username, action: 'view_events', citizenId, citizenIds: citizenId ? [citizenId] : [], detail: { key: 'access.read.events', params: { count: rows.length, offset: Number(input.offset), ids: `${eventIds.slice(0, 10).join(' ')}${eventIds.length > 10 ? ' ...' : ''}` } }, purpose });
      if (input.unmask) {
        logAccess(db, { username, action: 'unmask', citizenId, detail: { key: 'access.unmask', params: { count: rows.length, ids: eventIds.join(' ') } }, purpose, outcome: 'allowed' });
      }
      return;
    }
    case 'measures':
      logRead(db, { username, action: 'view_measures', citizenId, citizenIds: citizenId ? [citizenId] : [], detail: { key: 'access.read.measures', params: { count: rowsOf(output).length } }, purpose });
      return;
    case 'disputes': {
      const rows = rowsOf(output);
      const { status, openOnly } = input;
      logRead(db, { username, action: 'list_disputes', citizenId, citizenIds: ids(rows, 'citizenId'), detail: { key: 'access.read.disputes', params: { count: rows.length, filters: JSON.stringify({ citizenId, status, openOnly }), ids: ids(rows, 'id').slice(0, 20).join(' ') } }, purpose });
      return;
    }
    case 'recordViewers':
      logRead(db, { username, action: 'view_viewers', citizenId, citizenIds: citizenId ? [citizenId] : [], detail: { key: 'access.read.viewers', params: { count: rowsOf(output).length } }, purpose });
      return;
    case 'operationLedger': {
      const rows = rowsOf(output);
      logRead(db, { username, action: 'view_ledger', citizenIds: ids(rows, 'citizenId'), detail: { key: 'access.read.ledger', params: { operation: String(input.operationId), offset: Number(input.offset), count: rows.length } }, purpose });
      return;
    }
    case 'scoreOutlook': {
      const o = output as { pointsTotal?: number; disputes?: unknown[] };
      logRead(db, { username, action: 'view_outlook', citizenId, citizenIds: citizenId ? [citizenId] : [], detail: { key: 'access.read.outlook', params: { changes: o.pointsTotal ?? 0, disputes: o.disputes?.length ?? 0 } }, purpose });
      return;
    }
    case 'previewEvent': {
      // The citizen's score is read; the others moved are only counted.
      const r = output as { reach?: { citizens?: number } };
      logRead(db, { username, action: 'preview_event', citizenId, citizenIds: citizenId ? [citizenId] : [], detail: { key: 'access.read.eventPreview', params: { kind: String(input.kind), moved: r.reach?.citizens ?? 0 } }, purpose });
      return;
    }
    case 'networkView': {
      // The friends it names, with their scores, are read too.
      const friends = ids((output as { friends?: Row[] }).friends ?? [], 'citizenId');
      logRead(db, { username, action: 'view_network', citizenId, citizenIds: citizenId ? [citizenId, ...friends] : friends, detail: { key: 'access.read.network', params: { count: friends.length } }, purpose });
      return;
    }
    case 'jobStatus': {
      // A finished simulation names the citizens whose score moves most: that is a read of their data.
      const status = output as { kind?: string; state?: string; result?: { topUp?: Row[]; topDown?: Row[] } | null };
      if (status.kind !== 'simulate' || status.state !== 'done' || !status.result) return;
      const movers = [...(status.result.topUp ?? []), ...(status.result.topDown ?? [])];
      if (movers.length === 0) return;
      logRead(db, { username, action: 'view_simulation', citizenIds: ids(movers, 'citizenId'), detail: { key: 'access.read.simulation', params: { job: String(input.jobId), count: movers.length } }, purpose });
      return;
    }
    default:
  }
}
