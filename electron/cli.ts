/**
 * The command line over the same services as the console. Exit codes: 0 ok,
 * 1 rejected input (problems printed to stderr), 2 usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { InputProblem } from '../shared/domain.js';
import { openDatabase, type Db } from './db/connection.js';
import { formatProblem } from './engine/rules.js';
import { registerAccountabilityCommands } from './cli/accountability.js';
import { registerDisclosureCommands } from './cli/disclosure.js';
import { registerCustodyCommands } from './cli/custody.js';
import { registerLedgerCommands } from './cli/ledger.js';
import { createDemoPopulation } from './services/demo.js';
import { explainCitizen, NotFoundError } from './services/explain.js';
import { formatPoints, scoreRows } from './services/exportScores.js';
import { importFolder } from './services/import.js';
import { AlreadyRetractedError, retractEvent } from './services/retract.js';
import { AuthError, createUser } from './services/auth.js';
import { logAccess } from './services/accessLog.js';
import { field, terminalSafe } from './cli/terminalText.js';
import { checkRuleset, publishRuleset, recomputeScores } from './services/rulesets.js';
import { parseInstant, type Progress } from './services/scoring.js';

export const DEFAULT_RESOURCES = fileURLToPath(new URL('../resources/default/', import.meta.url));

class Rejected extends Error {
  constructor(
    message: string,
    readonly problems: InputProblem[] = [],
    readonly problemCount = problems.length,
  ) {
    super(message);
  }
}

/** A progress bar on stderr when it is a terminal; silent otherwise. */
function progressBar(): Progress | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (phase, done, total) => {
    const now = Date.now();
    if (now - last < 100 && done < total) return;
    last = now;
    const width = 30;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    process.stderr.write(`\r${phase.padEnd(18)} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}%`);
    if (done >= total) process.stderr.write('\n');
  };
}

function withDb<T>(file: string, fn: (db: Db) => T): T {
  const db = openDatabase(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Rejected(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Rejected(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Everything the CLI prints goes through here or warn(): no control or bidi character reaches the terminal raw. */
function out(text: string): void {
  const safe = terminalSafe(text);
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

function warn(text: string): void {
  process.stderr.write(terminalSafe(text));
}

export function buildProgram(): Command {
  const program = new Command('credence')
    .description('Credence: explainable rule-based scoring with a verifiable ledger')
    .showHelpAfterError()
    .exitOverride();
  const dbOption = () => new Option('--db <file>', 'the Credence database file').default('credence.sqlite');
  const actorOption = () => new Option('--actor <name>', 'who performs the operation (recorded in the ledger)').default(userInfo().username || 'unknown');

  program
    .command('init')
    .description('create (or upgrade) a database')
    .addOption(dbOption())
    .action((o) => withDb(o.db, () => out(`database ready: ${o.db}`)));

  program
    .command('import')
    .description('import a folder: event_kinds.json, citizens.csv, relationships.csv, events.csv or events.jsonl (all or nothing)')
    .argument('<dir>', 'the folder to import')
    .addOption(dbOption())
    .addOption(actorOption())
    .requiredOption('--provider <name>', 'who supplied the data (registry, agency): shown with every event and on disputes')
    .option('--reason <text>', 'why this data is imported')
    .action(async (dir: string, o) => {
      const db = openDatabase(o.db);
      try {
        const report = await importFolder(db, dir, { actor: o.actor, provider: o.provider, reason: o.reason, onProgress: progressBar() });
        if (!report.ok) throw new Rejected(`import rejected: ${report.problemCount} problem(s); nothing was written`, report.problems, report.problemCount);
        const c = report.counts;
        out(
          report.operationId === null
            ? 'nothing new: every record is already stored'
            : `imported (operation ${report.operationId}): ${c.kindsAdded} event kinds, ${c.citizensAdded} citizens added, ${c.citizensUpdated} updated, ` +
                `${c.relationshipsAdded} relationships added, ${c.relationshipsChanged} changed, ${c.eventsAdded} events added, ${c.eventsUnchanged} already stored` +
                (report.scoring ? `; ${report.scoring.scoresChanged} scores changed` : ''),
        );
      } finally {
        db.close();
      }
    });

  const rules = program.command('rules').description('validate and publish rulesets');
  rules
    .command('validate')
    .description('check a ruleset file against the registered event kinds')
    .argument('<file>')
    .addOption(dbOption())
    .action((file: string, o) =>
      withDb(o.db, (db) => {
        const result = checkRuleset(db, readJsonFile(file));
        if (!result.ok) throw new Rejected(`${file}: ${result.problems.length} problem(s)`, result.problems);
        out(`${file}: valid (${result.ruleset.rules.length} rules)`);
      }),
    );
  rules
    .command('publish')
    .description('publish a ruleset as a new version and recompute every score')
    .argument('<file>')
    .addOption(dbOption())
    .addOption(actorOption())
    .requiredOption('--reason <text>', 'the written reason for publishing')
    .option('--as-of <iso>', 'score as of this instant (default: the current scoring instant, or now)')
    .action((file: string, o) =>
      withDb(o.db, (db) => {
        const result = publishRuleset(db, readJsonFile(file), { actor: o.actor, reason: o.reason, asOf: o.asOf, onProgress: progressBar() });
        if (!result.ok) throw new Rejected(`${file}: not published`, result.problems);
        out(`published ruleset version ${result.version} (operation ${result.operationId}); ${result.scoring!.scoresChanged} scores changed`);
        for (const e of result.evaluationErrors ?? []) warn(`warning: rule ${field(e.ruleId)}: ${e.count} evaluation error(s), e.g. ${field(e.example)}\n`);
      }),
    );

  program
    .command('recompute')
    .description('recompute every score as of an instant')
    .addOption(dbOption())
    .addOption(actorOption())
    .option('--as-of <iso>', 'the instant (default: now)')
    .option('--reason <text>', 'why')
    .action((o) =>
      withDb(o.db, (db) => {
        if (o.asOf) checkInstant(o.asOf);
        const started = performance.now();
        const r = recomputeScores(db, { asOf: o.asOf, actor: o.actor, reason: o.reason, onProgress: progressBar() });
        const s = r.scoring;
        out(
          `recomputed ${s.citizens} citizens as of ${r.asOf} in ${((performance.now() - started) / 1000).toFixed(2)} s: ` +
            `${s.scoresChanged} scores changed, ${s.rowsRewritten} stored rows rewritten, ${s.iterations} fixed-point iterations (${s.msPerIteration?.toFixed(1)} ms each)` +
            (r.operationId === null ? ' (nothing differed from the model: nothing recorded)' : ''),
        );
      }),
    );

  const events = program.command('events').description('act on recorded events');
  events
    .command('retract')
    .description('retract an event (appeal upheld, data-entry error): it stays on record but leaves scoring')
    .argument('<event_id>')
    .addOption(dbOption())
    .addOption(actorOption())
    .requiredOption('--reason <text>', 'why the event is retracted')
    .action((eventId: string, o) =>
      withDb(o.db, (db) => {
        try {
          const r = retractEvent(db, eventId, { actor: o.actor, reason: o.reason });
          out(`retracted ${eventId} (operation ${r.operationId})${r.scoring ? `; ${r.scoring.scoresChanged} scores changed` : ''}`);
        } catch (err) {
          if (err instanceof NotFoundError || err instanceof AlreadyRetractedError) throw new Rejected(err.message);
          throw err;
        }
      }),
    );

  const users = program.command('users').description('local accounts of the console');
  users
    .command('add')
    .description('create an account; the password is read from the CREDENCE_PASSWORD environment variable or the first line of standard input')
    .argument('<username>')
    .addOption(dbOption())
    .addOption(new Option('--role <role>', 'viewer, official, auditor or admin').choices(['viewer', 'official', 'auditor', 'admin']).makeOptionMandatory())
    .option('--name <display>', 'the name shown in the console', '')
    .addOption(actorOption())
    .action(async (username: string, o) => {
      const password = process.env.CREDENCE_PASSWORD ?? readFileSync(0, 'utf8').split(/\r?\n/)[0];
      const db = openDatabase(o.db);
      try {
        const user = await createUser(db, { username, displayName: o.name, role: o.role, password }, o.actor);
        out(`account ${user.username} (${user.role}) created`);
      } catch (err) {
        if (err instanceof AuthError) throw new Rejected(err.message);
        throw err;
      } finally {
        db.close();
      }
    });
  users
    .command('list')
    .description('list the accounts')
    .addOption(dbOption())
    .action((o) =>
      withDb(o.db, (db) => {
        for (const u of db.prepare('SELECT username, role, display_name, created_at, disabled_at FROM users ORDER BY username').all() as Record<string, string | null>[]) {
          out(`${field(u.username)}\t${u.role}\t${field(u.display_name)}\tcreated ${u.created_at}${u.disabled_at ? `\tdisabled ${u.disabled_at}` : ''}`);
        }
      }),
    );

  const exp = program.command('export').description('export data');
  exp
    .command('scores')
    .description('current scores as CSV: citizen_id,score,tier,own,penalty sorted by id')
    .addOption(dbOption())
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (o) => {
      const db = openDatabase(o.db);
      try {
        const sink = o.out ? createWriteStream(o.out) : process.stdout;
        logAccess(db, { username: userInfo().username || 'unknown', action: 'export', detail: `scores CSV, command line${o.out ? ` to ${o.out}` : ''}`, outcome: 'allowed' });
        for (const line of scoreRows(db)) {
          if (!sink.write(`${line}\n`)) await new Promise<void>((r) => sink.once('drain', () => r()));
        }
        if (o.out) await new Promise<void>((resolve, reject) => (sink as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
      } finally {
        db.close();
      }
    });

  program
    .command('explain')
    .description("take a citizen's score apart into its causes")
    .argument('<citizen_id>')
    .addOption(dbOption())
    .option('--json', 'print the explanation as JSON')
    .action((id: string, o) =>
      withDb(o.db, (db) => {
        let e;
        try {
          e = explainCitizen(db, id);
        } catch (err) {
          if (err instanceof NotFoundError) throw new Rejected(err.message);
          throw err;
        }
        if (o.json) return out(JSON.stringify(e, null, 2));
        // Every figure to the cent as the export rounds it (SCORING_MODEL §5).
        const pts = (x: number) => (formatPoints(x).startsWith('-') ? '' : '+') + formatPoints(x);
        const lines = [`${field(e.citizenId)} ${field(e.name)} (${field(e.district)})`, `score ${formatPoints(e.score)} tier ${e.tier}  ruleset v${e.rulesetVersion}, as of ${e.asOf}`, `  base ${formatPoints(e.base)}`];
        for (const r of e.rules) {
          lines.push(`  ${pts(r.total).padStart(9)}  ${field(r.ruleName)} [${field(r.ruleId)}, ${field(r.dimension)}]${r.capped ? ` capped from ${pts(r.raw)}` : ''}`);
          for (const ev of r.events) lines.push(`             ${pts(ev.points)} ${field(ev.eventId)} ${ev.occurredAt}`);
        }
        lines.push(`  = own ${formatPoints(e.own)}`);
        lines.push(`  - friend penalty ${formatPoints(e.friendPenalty)} (uncapped ${formatPoints(e.friendPenaltyUncapped)}, ${e.activeFriendCount} active friends)`);
        for (const f of e.friends.filter((f) => f.share > 0)) lines.push(`      ${f.share.toFixed(4)} from ${field(f.citizenId)} ${field(f.name)} (${formatPoints(f.score)} ${f.tier})`);
        lines.push(`  = ${formatPoints(e.score)} (${e.tier})`);
        if (e.reasonCodes.length) lines.push('reason codes:', ...e.reasonCodes.map((r, i) => `  ${i + 1}. ${field(r.label)} (${field(r.code)}) ${pts(r.points)}`));
        out(lines.join('\n'));
      }),
    );


  program
    .command('demo')
    .description('create a deterministic synthetic population, import it and publish the default ruleset')
    .addOption(dbOption())
    .option('--citizens <n>', 'population size', '2000')
    .option('--seed <s>', 'random seed', '1')
    .option('--as-of <iso>', 'the scoring instant (events are dated before it)', '')
    .option('--friends <k>', 'average friendships per citizen', '4')
    .option('--events <k>', 'average records per citizen', '12')
    .action(async (o) => {
      const citizens = positiveInt(o.citizens, '--citizens');
      const seed = positiveInt(o.seed, '--seed', 0);
      const asOf = o.asOf ? checkInstant(o.asOf) : parseInstant(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      const db = openDatabase(o.db);
      try {
        const r = await createDemoPopulation(db, DEFAULT_RESOURCES, { citizens, seed, asOf, friendsPerCitizen: Number(o.friends), eventsPerCitizen: Number(o.events), onProgress: progressBar() });
        out(`demo population ready in ${o.db}: ${r.citizens} citizens, ${r.relationships} friendships, ${r.events} events, ruleset v${r.rulesetVersion} as of ${r.asOf}`);
      } catch (err) {
        throw new Rejected((err as Error).message);
      } finally {
        db.close();
      }
    });

  registerAccountabilityCommands(program, { dbOption, actorOption, withDb, Rejected, out, readJsonFile, checkInstant, progressBar });
  registerDisclosureCommands(program, { dbOption, withDb, Rejected, out });
  registerLedgerCommands(program, { dbOption, actorOption, withDb, Rejected, out, readJsonFile, checkInstant, progressBar });
  registerCustodyCommands(program, { dbOption, actorOption, withDb, Rejected, out, readJsonFile, checkInstant, progressBar });
  return program;
}


function checkInstant(text: string): { iso: string; ms: number } {
  try {
    return parseInstant(text);
  } catch (err) {
    throw new CommanderError(2, 'credence.usage', (err as Error).message);
  }
}

function positiveInt(text: string, name: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new CommanderError(2, 'credence.usage', `${name} must be an integer >= ${min}, got '${text}'`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return 0;
      if (err.code === 'credence.usage') process.stderr.write(`error: ${terminalSafe(err.message)}\n`);
      return 2;
    }
    if (err instanceof Rejected) {
      process.stderr.write(`${terminalSafe(err.message)}\n`);
      for (const p of err.problems) process.stderr.write(`  ${field(formatProblem(p))}\n`);
      if (err.problemCount > err.problems.length) process.stderr.write(`  ... and ${err.problemCount - err.problems.length} more\n`);
      return 1;
    }
    process.stderr.write(`error: ${terminalSafe((err as Error).message)}\n`);
    if (process.env.CREDENCE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

/** Run as a program: exit status from `main`; a pipe closed early (`credence export scores | head`) is not an error. */
export async function run(argv: string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  process.exitCode = await main(argv);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void run(process.argv.slice(2));
