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
  registerRetentionCommands(program.command('retention').description('how long records are kept, and purging the expired ones'), helpers);
}

function registerRetentionCommands(retention: Command, h: CliHelpers): void {
  const { Rejected, out } = h;
  const rejectInput = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof RetentionError || err instanceof NotFoundError) throw new Rejected(err.message);
      throw err;
    }
  };

  h.authenticated(retention.command('set'))
    .description("set how many days events of a kind are kept ('default' for the default of 1826 days, five years)")
    .argument('<kind>', 'the event kind')
    .argument('<days>', "a whole number of days >= 1, or 'default'")
    .addOption(h.dbOption())
    .option('--reason <text>', 'why the period changes (logged)')
    .action((kind: string, daysText: string, o) => {
      const days = daysText === 'default' ? null : Number(daysText);
      if (days !== null && (!/^\d+$/.test(daysText) || !Number.isSafeInteger(days) || days < 1)) throw usage(`<days> must be a whole number >= 1 or 'default', got '${daysText}'`);
      return h.asUser(o, 'admin', 'retention set', (db, actor) => {
        const r = rejectInput(() => setRetention(db, kind, days, { actor, reason: o.reason }));
        const kindNow = retentionPolicy(db).kinds.find((k) => k.kind === kind)!;
        out(`${kind}: events kept ${kindNow.retentionDays} days${r.newDays === null ? ' (the default)' : ''}${r.oldDays === r.newDays ? ' (unchanged)' : ''}; ${kindNow.expired} would be purged now`);
        if (kindNow.longestRuleTtlDays !== null && kindNow.retentionDays < kindNow.longestRuleTtlDays) {
          process.stderr.write(`warning: a rule of the current ruleset counts ${kind} events for ${kindNow.longestRuleTtlDays} days; they will be purged after ${kindNow.retentionDays}\n`);
        }
      });
    });

  retention
    .command('show')
    .description('the retention period of every event kind, and how many events a purge would delete')
    .addOption(h.dbOption())
    .option('--as-of <iso>', 'count back from this instant (default: now)')
    .option('--json', 'print as JSON')
    .action((o) => {
      const asOf = o.asOf ? h.checkInstant(o.asOf).iso : undefined;
      h.withDb(o.db, (db) => {
        const policy = retentionPolicy(db, asOf);
        if (o.json) return out(JSON.stringify(policy, null, 2));
        const lines = [`retention as of ${policy.asOf}`, `${'kind'.padEnd(24)} ${'days'.padStart(6)}  ${'cut-off'.padEnd(24)} ${'events'.padStart(8)} ${'expired'.padStart(8)} ${'held'.padStart(6)}`];
        for (const k of policy.kinds) {
          const cells = [String(k.events).padStart(8), String(k.expired).padStart(8), String(k.held).padStart(6)];
          lines.push(`${k.kind.padEnd(24)} ${String(k.retentionDays).padStart(6)}${k.isDefault ? '*' : ' '} ${k.cutOff.padEnd(24)} ${cells.join(' ')}`);
        }
        lines.push('* the default period; expired: deleted by the next purge; held: expired but still referred to (e.g. disputed), kept');
        out(lines.join('\n'));
      });
    });

  h.authenticated(retention.command('purge'))
    .description('delete the events older than their kind\'s retention period, and move the scores they counted in (a records_expired operation)')
    .addOption(h.dbOption())
    .option('--as-of <iso>', 'count back from this instant (default: now; not in the future)')
    .requiredOption('--reason <text>', 'the written reason for the purge')
    .action((o) => {
      const asOf = o.asOf ? h.checkInstant(o.asOf).iso : undefined;
      return h.asUser(o, 'admin', 'retention purge', (db, actor) => {
        const r = rejectInput(() => purgeExpiredRecords(db, { asOf, actor, reason: o.reason, onProgress: h.progressBar?.() }));
        const held = r.eventsHeld ? `; ${r.eventsHeld} expired events held because other records refer to them` : '';
        if (r.operationId === null) return out(`nothing expired as of ${r.asOf}: nothing purged${held}`);
        const kinds = Object.entries(r.byKind).map(([kind, k]) => `${kind} ${k.events} (occurred up to ${k.cutOff})`);
        out(`purged ${r.eventsDeleted} expired events as of ${r.asOf} (operation ${r.operationId}): ${kinds.join(', ')}; ${r.scoring?.scoresChanged ?? 0} scores changed${held}`);
      });
    });
}
