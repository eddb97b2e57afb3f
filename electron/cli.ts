/**
 * The command line over the same services as the console. Exit codes: 0 ok,
 * 1 rejected input (problems printed to stderr), 2 usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { createWriteStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Explanation, InputProblem } from '../shared/domain.js';
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
import { recordConsent } from './services/consent.js';
import { AuthError, userCount, verifyCredentials } from './services/auth.js';
import { changeOwnPassword, createFirstAdmin, decideAccountChange, isFounding, listAccountChanges, proposeAccount, TwoPersonRuleError } from './services/accounts.js';
import { FairnessAcknowledgementError } from './services/fairness.js';
import { approveRuleset, attachSimulation, getProposal, proposalSimulation, proposeRuleset } from './services/proposals.js';
import { RejectedInputError, simulateRuleset } from './services/ruleLab.js';
import { authenticate, IdentityError, identityOptions, NEW_PASSWORD_ENV, readLineSecret } from './cli/identity.js';
import { SecretUnavailableError } from './cli/secrets.js';
import type { Role } from '../shared/contract.js';
import { logAccess } from './services/accessLog.js';
import { field, terminalSafe } from './cli/terminalText.js';
import { checkRuleset, recomputeScores } from './services/rulesets.js';
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

/**
 * Opens the database, authenticates the caller for `needed` (see
 * cli/identity.ts) and runs `fn` as that account. Refusals the services
 * raise (the two-person rule, bad input) are rejected input: exit 1.
 */
async function asUser<T>(o: { db: string; user?: string; token?: string }, needed: Role, command: string, fn: (db: Db, actor: string) => T | Promise<T>): Promise<T> {
  const db = openDatabase(o.db);
  try {
    const user = await authenticate(db, o, needed, command);
    return await fn(db, user.username);
  } catch (err) {
    if (err instanceof IdentityError || err instanceof TwoPersonRuleError || err instanceof AuthError || err instanceof RejectedInputError || err instanceof NotFoundError || err instanceof SecretUnavailableError) {
      throw new Rejected(err.message);
    }
    throw err;
  } finally {
    db.close();
  }
}

/** Adds --user and --token to a command that runs as an authenticated account. */
function authenticated(command: Command): Command {
  for (const option of identityOptions()) command.addOption(option);
  return command;
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

/** --db, on every command that opens the database. */
function dbOption(): Option {
  return new Option('--db <file>', 'the Credence database file').default('credence.sqlite');
}

export function buildProgram(): Command {
  const program = new Command('credence')
    .description('Credence: explainable rule-based scoring with a verifiable ledger')
    .showHelpAfterError()
    .exitOverride();
  addInitCommand(program);
  addImportCommand(program);
  addRulesCommands(program.command('rules').description('validate and publish rulesets'));
  addRecomputeCommand(program);
  addEventsCommands(program.command('events').description('act on recorded events'));
  addConsentCommands(program.command('consent').description("a citizen's consent to being scored"));
  const users = program.command('users').description('local accounts of the console');
  addUserAddCommand(users);
  addUserDecisionCommands(users);
  addUserPasswordCommand(users);
  addUserListCommands(users);
  addExportCommands(program.command('export').description('export data'));
  addExplainCommand(program);
  addDemoCommand(program);
  registerAccountabilityCommands(program, { dbOption, authenticated, asUser, withDb, Rejected, out, readJsonFile, checkInstant, progressBar });
  registerDisclosureCommands(program, { dbOption, authenticated, asUser, withDb, Rejected, out });
  registerLedgerCommands(program, { dbOption, authenticated, asUser, withDb, Rejected, out, readJsonFile, checkInstant, progressBar });
  registerCustodyCommands(program, { dbOption, authenticated, asUser, withDb, Rejected, out, readJsonFile, checkInstant, progressBar });
  return program;
}

/** credence init: create or upgrade a database. */
function addInitCommand(program: Command): void {
  program
    .command('init')
    .description('create (or upgrade) a database')
    .addOption(dbOption())
    .action((o) => withDb(o.db, () => out(`database ready: ${o.db}`)));
}

/** credence import: a folder of interchange files, all or nothing. */
function addImportCommand(program: Command): void {
  authenticated(program.command('import'))
    .description('import a folder: event_kinds.json, citizens.csv, consents.csv, relationships.csv, events.csv or events.jsonl (all or nothing)')
    .argument('<dir>', 'the folder to import')
    .addOption(dbOption())
    .requiredOption('--provider <name>', 'who supplied the data (registry, agency): shown with every event and on disputes')
    .option('--reason <text>', 'why this data is imported')
    .action(async (dir: string, o) =>
      asUser(o, 'official', 'import', async (db, actor) => {
        const report = await importFolder(db, dir, { actor, provider: o.provider, reason: o.reason, onProgress: progressBar() });
        if (!report.ok) throw new Rejected(`import rejected: ${report.problemCount} problem(s); nothing was written`, report.problems, report.problemCount);
        const c = report.counts;
        out(
          report.operationId === null
            ? 'nothing new: every record is already stored'
            : `imported (operation ${report.operationId}): ${c.kindsAdded} event kinds, ${c.citizensAdded} citizens added, ${c.citizensUpdated} updated, ` +
                `${c.relationshipsAdded} relationships added, ${c.relationshipsChanged} changed, ${c.eventsAdded} events added, ${c.eventsUnchanged} already stored, ` +
                `${c.consentsAdded} consent records added` +
                (report.scoring ? `; ${report.scoring.scoresChanged} scores changed` : ''),
        );
      }),
    );
}

/** credence rules validate | publish | approve: a ruleset goes live only with a second administrator. */
function addRulesCommands(rules: Command): void {
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
  authenticated(rules.command('publish'))
    .description('propose publishing a ruleset: another administrator approves it (in the console, or with rules approve), which publishes it and recomputes every score')
    .argument('<file>')
    .addOption(dbOption())
    .requiredOption('--reason <text>', 'the written reason for publishing')
    .action((file: string, o) =>
      asUser(o, 'admin', 'rules publish', (db, actor) => {
        const ruleset = readJsonFile(file);
        const simulation = simulateRuleset(db, ruleset, progressBar());
        const id = proposeRuleset(db, ruleset, o.reason, actor, simulation);
        out(`proposal ${id}: publishing ${file}, proposed by ${actor}; another administrator approves it (console Approvals page, or: credence rules approve ${id} --reason TEXT)`);
        out(`simulated with the proposal: ${simulation.changed} of ${simulation.citizens} scores would change`);
      }),
    );
  authenticated(rules.command('approve'))
    .description('approve a ruleset proposal made by another administrator: publishes it and recomputes every score')
    .argument('<proposal_id>')
    .addOption(dbOption())
    .requiredOption('--reason <text>', 'why you approve it')
    .option('--resimulate', "re-run the proposal's simulation on today's data (when it has changed) instead of approving")
    .option('--acknowledge-fairness <text>', 'why the groups its fairness report flags (below four fifths of the best-off group) are accepted; required when it flags any')
    .action((idText: string, o) =>
      asUser(o, 'admin', 'rules approve', (db, actor) => {
        const id = positiveInt(idText, '<proposal_id>');
        if (o.resimulate) {
          const proposal = getProposal(db, id);
          if (proposal.kind !== 'ruleset') throw new Rejected(`proposal ${id} is not a ruleset`);
          const simulation = simulateRuleset(db, JSON.parse(proposal.payload), progressBar());
          attachSimulation(db, id, simulation, actor);
          out(`proposal ${id} simulated again on today's data: ${simulation.changed} of ${simulation.citizens} scores would change; approve it with: credence rules approve ${id} --reason TEXT`);
          return;
        }
        const stored = proposalSimulation(db, getProposal(db, id));
        if (stored && !stored.stale) out(`proposal ${id}: simulated by ${stored.ranBy} at ${stored.ranAt}: ${stored.result.changed} of ${stored.result.citizens} scores change`);
        if (!stored || stored.stale) throw new Rejected(`proposal ${id}: ${stored?.stale ?? 'no simulation'}; run it again first: credence rules approve ${id} --resimulate --reason TEXT`);
        for (const f of stored.result.fairness?.flags ?? []) {
          out(`fairness: ${f.dimension} ${field(f.group)}: ${f.size} citizens, adverse-impact ratio ${f.ratio.toFixed(2)} (below 0.80)${f.ratioBefore === null ? '' : `, ${f.ratioBefore.toFixed(2)} under the published ruleset`}`);
        }
        const ack = typeof o.acknowledgeFairness === 'string' ? o.acknowledgeFairness : undefined;
        let result;
        try {
          result = approveRuleset(db, id, actor, o.reason, progressBar(), ack);
        } catch (err) {
          if (err instanceof FairnessAcknowledgementError) throw new Rejected(`${err.message} (--acknowledge-fairness TEXT)`);
          throw err;
        }
        out(`published ruleset version ${result.version} (operation ${result.operationId}), approved by ${actor}; ${result.scoring!.scoresChanged} scores changed`);
        for (const e of result.evaluationErrors ?? []) warn(`warning: rule ${field(e.ruleId)}: ${e.count} evaluation error(s), e.g. ${field(e.example)}\n`);
      }),
    );
}

/** credence recompute: every score as of an instant. */
function addRecomputeCommand(program: Command): void {
  authenticated(program.command('recompute'))
    .description('recompute every score as of an instant')
    .addOption(dbOption())
    .option('--as-of <iso>', 'the instant (default: now)')
    .option('--reason <text>', 'why')
    .action((o) => {
      if (o.asOf) checkInstant(o.asOf);
      return asUser(o, 'admin', 'recompute', (db, actor) => {
        const started = performance.now();
        const r = recomputeScores(db, { asOf: o.asOf, actor, reason: o.reason, onProgress: progressBar() });
        const s = r.scoring;
        out(
          `recomputed ${s.citizens} citizens as of ${r.asOf} in ${((performance.now() - started) / 1000).toFixed(2)} s: ` +
            `${s.scoresChanged} scores changed, ${s.rowsRewritten} stored rows rewritten, ${s.iterations} fixed-point iterations (${s.msPerIteration?.toFixed(1)} ms each)` +
            (r.operationId === null ? ' (nothing differed from the model: nothing recorded)' : ''),
        );
      });
    });
}

/** credence events retract. */
function addEventsCommands(events: Command): void {
  authenticated(events.command('retract'))
    .description('retract an event (appeal upheld, data-entry error): it stays on record but leaves scoring')
    .argument('<event_id>')
    .addOption(dbOption())
    .requiredOption('--reason <text>', 'why the event is retracted')
    .action((eventId: string, o) =>
      asUser(o, 'official', 'events retract', (db, actor) => {
        try {
          const r = retractEvent(db, eventId, { actor, reason: o.reason });
          out(`retracted ${eventId} (operation ${r.operationId})${r.scoring ? `; ${r.scoring.scoresChanged} scores changed` : ''}`);
        } catch (err) {
          if (err instanceof NotFoundError || err instanceof AlreadyRetractedError) throw new Rejected(err.message);
          throw err;
        }
      }),
    );
}

/** credence consent record: one consent record by hand (an official). */
function addConsentCommands(consent: Command): void {
  authenticated(consent.command('record'))
    .description("append a consent record (given, withdrawn, refused) with its evidence; when the ruleset requires consent, the citizen and their friends are rescored")
    .argument('<citizen_id>')
    .addOption(dbOption())
    .requiredOption('--status <status>', 'given, withdrawn or refused')
    .requiredOption('--evidence <text>', 'the form number or the channel it came through')
    .requiredOption('--reason <text>', 'why it is recorded')
    .option('--at <instant>', 'when the citizen gave, withdrew or refused it (RFC 3339; default now)')
    .action((citizenId: string, o) =>
      asUser(o, 'official', 'consent record', (db, actor) => {
        const r = recordConsent(db, { citizenId, status: o.status, at: o.at ?? new Date().toISOString(), evidence: o.evidence }, { actor, reason: o.reason });
        const scope = r.inScopeBefore === r.inScopeAfter ? (r.inScopeAfter ? 'in scope' : 'out of scope') : r.inScopeAfter ? 'entered scope' : 'left scope';
        const later = r.afterScoringInstant ? '; dated after the scoring instant, it counts once scores are computed as of that date' : '';
        out(`recorded ${o.status} for ${citizenId} (operation ${r.operationId}): ${scope}${r.scoring ? `; ${r.scoring.scoresChanged} scores changed` : ''}${later}`);
      }),
    );
}

/** credence users add: the first administrator, a proposed account, or a founding request. */
function addUserAddCommand(users: Command): void {
  authenticated(users.command('add'))
    .description(
      `create an account. On an empty database: the first administrator, no approval. Otherwise an administrator (--user/--token) proposes it and another administrator approves it (users approve); the new password comes from ${NEW_PASSWORD_ENV}, a prompt or the next line of standard input. --request: the second administrator asks for their own account while the installation is founding (one account, no account change yet); the first administrator approves it`,
    )
    .argument('<username>')
    .addOption(dbOption())
    .addOption(new Option('--role <role>', 'viewer, official, auditor or admin').choices(['viewer', 'official', 'auditor', 'admin']).makeOptionMandatory())
    .option('--name <display>', 'the name shown in the console', '')
    .option('--reason <text>', 'why the account is needed', 'a new account')
    .option('--request', 'ask for your own administrator account while founding (no identity needed: the first administrator approves)')
    .action(async (username: string, o) => {
      const db = openDatabase(o.db);
      try {
        const newPassword = () => readLineSecret(NEW_PASSWORD_ENV, `password for the new account ${username}: `, { confirm: true });
        if (userCount(db) === 0) {
          if (o.role !== 'admin') throw new Rejected('the first account of a database is an administrator: use --role admin');
          const user = await createFirstAdmin(db, { username, displayName: o.name, password: await newPassword() }, 'first start (command line)');
          return out(`account ${user.username} (admin) created: the first administrator`);
        }
        if (o.request) {
          if (!isFounding(db)) throw new Rejected('--request is only for the second administrator of a founding installation; later accounts are proposed by an administrator');
          const id = await proposeAccount(db, { username, displayName: o.name, role: o.role, password: await newPassword(), reason: o.reason }, username);
          return out(`account change ${id}: ${username} (${o.role}) asked for; the first administrator approves it (console Users page, or: credence users approve ${id})`);
        }
        const actor = await authenticate(db, o, 'admin', 'users add');
        const id = await proposeAccount(db, { username, displayName: o.name, role: o.role, password: await newPassword(), reason: o.reason }, actor.username);
        out(`account change ${id}: ${username} (${o.role}) proposed by ${actor.username}; another administrator approves it (console Users page, or: credence users approve ${id}); the user changes the password at first login`);
      } catch (err) {
        if (err instanceof AuthError || err instanceof IdentityError || err instanceof SecretUnavailableError) throw new Rejected(err.message);
        throw err;
      } finally {
        db.close();
      }
    });
}

/** credence users approve | reject: the second administrator's decision on an account change. */
function addUserDecisionCommands(users: Command): void {
  for (const verb of ['approve', 'reject'] as const) {
    authenticated(users.command(verb))
      .description(`${verb} an account change (a new account, a role change, a re-enabled account) proposed by another administrator`)
      .argument('<change_id>')
      .addOption(dbOption())
      .requiredOption('--reason <text>', `why you ${verb} it`)
      .action((idText: string, o) =>
        asUser(o, 'admin', `users ${verb}`, (db, actor) => {
          const r = decideAccountChange(db, positiveInt(idText, '<change_id>'), verb === 'approve', actor, o.reason);
          out(`account change ${idText} ${r.status} by ${actor}`);
        }),
      );
  }
}

/** credence users password: change your own password. */
function addUserPasswordCommand(users: Command): void {
  users
    .command('password')
    .description(`change your own password (also when an administrator set it): the current one from ${'CREDENCE_PASSWORD'}, the new one from ${NEW_PASSWORD_ENV} (or prompts, or two lines of standard input)`)
    .requiredOption('--user <name>', 'your account')
    .addOption(dbOption())
    .action(async (o) => {
      const db = openDatabase(o.db);
      try {
        const current = await readLineSecret('CREDENCE_PASSWORD', `current password for ${o.user}: `);
        const user = await verifyCredentials(db, o.user, current);
        if (!user) {
          logAccess(db, { username: o.user, action: 'password_change', detail: 'command line: wrong username or password, or the account is disabled', outcome: 'refused' });
          throw new Rejected('wrong username or password, or the account is disabled');
        }
        await changeOwnPassword(db, user.username, current, await readLineSecret(NEW_PASSWORD_ENV, 'new password: ', { confirm: true }));
        out(`password of ${user.username} changed`);
      } catch (err) {
        if (err instanceof AuthError || err instanceof SecretUnavailableError) throw new Rejected(err.message);
        throw err;
      } finally {
        db.close();
      }
    });
}

/** credence users pending | list. */
function addUserListCommands(users: Command): void {
  users
    .command('pending')
    .description('account changes awaiting a second administrator')
    .addOption(dbOption())
    .action((o) =>
      withDb(o.db, (db) => {
        for (const c of listAccountChanges(db, 'pending')) out(`${c.id}\t${c.kind}\t${c.username}\t${c.role}\tproposed by ${c.proposedBy} ${c.proposedAt}\t${c.reason}`);
      }),
    );
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
}

/** credence export scores: the current scores as CSV. */
function addExportCommands(exp: Command): void {
  authenticated(exp.command('scores'))
    .description('current scores as CSV: citizen_id,score,tier,own,penalty sorted by id')
    .addOption(dbOption())
    .option('--out <file>', 'write to a file instead of stdout')
    .action((o) =>
      asUser(o, 'official', 'export scores', async (db, actor) => {
        const sink = o.out ? createWriteStream(o.out) : process.stdout;
        logAccess(db, { username: actor, action: 'export', detail: `scores CSV, command line${o.out ? ` to ${o.out}` : ''}`, outcome: 'allowed' });
        for (const line of scoreRows(db)) {
          if (!sink.write(`${line}\n`)) await new Promise<void>((r) => sink.once('drain', () => r()));
        }
        if (o.out) await new Promise<void>((resolve, reject) => (sink as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolve())));
      }),
    );
}

/** credence explain: a citizen's score taken apart into its causes. */
function addExplainCommand(program: Command): void {
  authenticated(program.command('explain'))
    .description("take a citizen's score apart into its causes")
    .argument('<citizen_id>')
    .addOption(dbOption())
    .option('--json', 'print the explanation as JSON')
    .option('--purpose <text>', 'why you read this record (recorded in the access log)')
    .action((id: string, o) =>
      asUser(o, 'viewer', 'explain', (db, actor) => {
        let e;
        try {
          e = explainCitizen(db, id);
        } catch (err) {
          if (err instanceof NotFoundError) throw new Rejected(err.message);
          throw err;
        }
        logAccess(db, { username: actor, action: 'view_record', citizenId: id, detail: 'explained on the command line', purpose: o.purpose ?? null, outcome: 'allowed' });
        if (o.json) return out(JSON.stringify(e, null, 2));
        out(formatExplanation(e));
      }),
    );
}

/** A citizen's explanation as text, every figure to the cent as the export rounds it (SCORING_MODEL §5). */
function formatExplanation(e: Explanation): string {
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
  return lines.join('\n');
}

/** credence demo: a deterministic synthetic population in an empty database. */
function addDemoCommand(program: Command): void {
  authenticated(program.command('demo'))
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
      return asUser(o, 'admin', 'demo', async (db, actor) => {
        // The demo publishes its ruleset without a second person: only into a database that holds nothing yet.
        if ((db.prepare('SELECT count(*) FROM citizens').pluck().get() as number) > 0) throw new Rejected('demo fills an empty database; this one already holds citizens');
        try {
          const r = await createDemoPopulation(db, DEFAULT_RESOURCES, { citizens, seed, asOf, friendsPerCitizen: Number(o.friends), eventsPerCitizen: Number(o.events), onProgress: progressBar(), actor });
          out(`demo population ready in ${o.db}: ${r.citizens} citizens, ${r.relationships} friendships, ${r.events} events, ruleset v${r.rulesetVersion} as of ${r.asOf}`);
        } catch (err) {
          throw new Rejected((err as Error).message);
        }
      });
    });
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
