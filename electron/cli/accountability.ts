/**
 * Accountability commands: retention (`retention set`, `retention show`,
 * `retention purge`); the ledger's checkpoint commands are in ledger.ts. Registered on the program built in
 * cli.ts, with its option factories and error conventions (exit 1 for
 * rejected input or failed verification, 2 for usage).
 */
import { type Command, CommanderError, type Option } from 'commander';
import type { Role } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { NotFoundError } from '../services/explain.js';
import { purgeExpiredRecords, retentionPolicy, RetentionError, setRetention } from '../services/retention.js';
import type { Progress } from '../services/scoring.js';
import { instant, refusalText, t } from './i18n.js';
import { padColumns } from './terminalText.js';

/** What cli.ts lends to command modules. */
export interface CliHelpers {
  dbOption: () => Option;
  /** Adds --user and --token to a command that runs as an authenticated account (cli/identity.ts). */
  authenticated: (command: Command) => Command;
  /** Opens the database, authenticates the caller for `needed` and runs `fn` as that account. */
  asUser: <T>(o: { db: string; user?: string; token?: string }, needed: Role, command: string, fn: (db: Db, actor: string) => T | Promise<T>) => Promise<T>;
  withDb: <T>(file: string, fn: (db: Db) => T) => T;
  /** Rejected input: printed to stderr, exit 1. */
  Rejected: new (message: string) => Error;
  out: (text: string) => void;
  readJsonFile: (path: string) => unknown;
  /** Parses an ISO instant; a bad one is a usage error (exit 2). */
  checkInstant: (text: string) => { iso: string; ms: number };
  progressBar?: () => Progress | undefined;
}

const usage = (message: string) => new CommanderError(2, 'credence.usage', message);

export function registerAccountabilityCommands(program: Command, helpers: CliHelpers): void {
  registerRetentionCommands(program.command('retention').description(t('retention.description')), helpers);
}

function registerRetentionCommands(retention: Command, h: CliHelpers): void {
  const { Rejected, out } = h;
  const rejectInput = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof RetentionError || err instanceof NotFoundError) throw new Rejected(refusalText(err));
      throw err;
    }
  };

  h.authenticated(retention.command('set'))
    .description(t('retention.set.description'))
    .argument('<kind>', t('retention.set.kind'))
    .argument('<days>', t('retention.set.days'))
    .addOption(h.dbOption())
    .option('--reason <text>', t('retention.set.reason'))
    .action((kind: string, daysText: string, o) => {
      const days = daysText === 'default' ? null : Number(daysText);
      if (days !== null && (!/^\d+$/.test(daysText) || !Number.isSafeInteger(days) || days < 1)) throw usage(t('retention.set.badDays', { value: daysText }));
      return h.asUser(o, 'admin', 'retention set', (db, actor) => {
        const r = rejectInput(() => setRetention(db, kind, days, { actor, reason: o.reason }));
        const kindNow = retentionPolicy(db).kinds.find((k) => k.kind === kind)!;
        const which = r.newDays === null ? (r.oldDays === r.newDays ? 'keptDefaultUnchanged' : 'keptDefault') : r.oldDays === r.newDays ? 'keptUnchanged' : 'kept';
        out(t(`retention.set.${which}`, { kind, count: kindNow.retentionDays, expired: kindNow.expired }));
        if (kindNow.longestRuleTtlDays !== null && kindNow.retentionDays < kindNow.longestRuleTtlDays) {
          process.stderr.write(`${t('retention.set.shorterThanRule', { kind, ruleDays: kindNow.longestRuleTtlDays, count: kindNow.retentionDays })}\n`);
        }
      });
    });

  retention
    .command('show')
    .description(t('retention.show.description'))
    .addOption(h.dbOption())
    .option('--as-of <iso>', t('retention.show.asOf'))
    .option('--json', t('retention.show.json'))
    .action((o) => {
      const asOf = o.asOf ? h.checkInstant(o.asOf).iso : undefined;
      h.withDb(o.db, (db) => {
        const policy = retentionPolicy(db, asOf);
        if (o.json) return out(JSON.stringify(policy, null, 2));
        const head = (key: string) => t(`retention.show.column.${key}`);
        const lines = [
          t('retention.show.title', { asOf: instant(policy.asOf) }),
          // Padded by terminal columns: a Chinese heading takes two per character.
          [padColumns(head('kind'), 24), padColumns(head('days'), 6, 'start'), ` ${padColumns(head('cutOff'), 24)}`, padColumns(head('events'), 8, 'start'), padColumns(head('expired'), 8, 'start'), padColumns(head('held'), 6, 'start')].join(' '),
        ];
        for (const k of policy.kinds) {
          const cells = [String(k.events).padStart(8), String(k.expired).padStart(8), String(k.held).padStart(6)];
          lines.push(`${k.kind.padEnd(24)} ${String(k.retentionDays).padStart(6)}${k.isDefault ? '*' : ' '} ${k.cutOff.padEnd(24)} ${cells.join(' ')}`);
        }
        lines.push(t('retention.show.legend'));
        out(lines.join('\n'));
      });
    });

  h.authenticated(retention.command('purge'))
    .description(t('retention.purge.description'))
    .addOption(h.dbOption())
    .option('--as-of <iso>', t('retention.purge.asOf'))
    .requiredOption('--reason <text>', t('retention.purge.reason'))
    .action((o) => {
      const asOf = o.asOf ? h.checkInstant(o.asOf).iso : undefined;
      return h.asUser(o, 'admin', 'retention purge', (db, actor) => {
        const r = rejectInput(() => purgeExpiredRecords(db, { asOf, actor, reason: o.reason, onProgress: h.progressBar?.() }));
        const lines: string[] = [];
        if (r.operationId === null) lines.push(t('retention.purge.nothing', { asOf: instant(r.asOf) }));
        else {
          const kinds = Object.entries(r.byKind).map(([kind, k]) => t('retention.purge.kind', { kind, count: k.events, cutOff: instant(k.cutOff) }));
          lines.push(t('retention.purge.done', { count: r.eventsDeleted, asOf: instant(r.asOf), operation: r.operationId, kinds: kinds.join(t('list.separator')) }));
          lines.push(t('retention.purge.scoresChanged', { count: r.scoring?.scoresChanged ?? 0 }));
        }
        if (r.eventsHeld) lines.push(t('retention.purge.held', { count: r.eventsHeld }));
        out(lines.join(t('list.clauseSeparator')));
      });
    });
}
