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
import { field, padColumns, terminalSafe } from './cli/terminalText.js';
import { checkRuleset, recomputeScores } from './services/rulesets.js';
import { parseInstant, type Progress } from './services/scoring.js';
import { localizedName } from '../shared/localizedText.js';
import { LANGUAGES } from '../shared/language.js';
import { adoptAccountLanguage, chooseLanguage, cliLanguage, instant, LANG_OPTION, LanguageChoiceError, num, problemMessage, refusalText, serverMessage, setCliLanguage, t } from './cli/i18n.js';
import type { ServerMessageKey } from '../shared/messages.js';
import { localizeHelp } from './cli/helpText.js';

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

/** The phases the services report, as the catalog names them (phase.*); an unknown one as reported. */
const PHASES: Record<string, string> = {
  'reading files': 'readingFiles',
  committing: 'committing',
  'generating population': 'generatingPopulation',
  'finding expired records': 'findingExpired',
  'deleting expired records': 'deletingExpired',
  'evaluating rules': 'evaluatingRules',
  scoring: 'scoring',
  'rule totals': 'ruleTotals',
  'friend network': 'friendNetwork',
  'fixed point': 'fixedPoint',
  'writing scores': 'writingScores',
  ledger: 'ledger',
};
export const phaseName = (phase: string): string => (PHASES[phase] ? t(`phase.${PHASES[phase]}`) : phase);

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
    process.stderr.write(`\r${padColumns(phaseName(phase), 26)} [${bar}] ${num(frac, { style: 'percent', maximumFractionDigits: 0 }).padStart(4)}`);
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
      throw new Rejected(refusalText(err));
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
    throw new Rejected(t('file.cannotRead', { file: path, reason: (err as Error).message }));
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Rejected(t('file.notJson', { file: path, reason: (err as Error).message }));
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
  return new Option('--db <file>', t('help.db')).default('credence.sqlite');
}

export function buildProgram(): Command {
  const program = new Command('credence').description(t('help.program')).showHelpAfterError().exitOverride();
  // Before any subcommand exists: they inherit the help option, the help's titles and the translated usage errors.
  localizeHelp(program);
  // Read before the program is built (the help is in the chosen language); declared here so it is accepted and shown.
  program.addOption(new Option(`${LANG_OPTION} <language>`, t('help.lang')).choices([...LANGUAGES]));
  addInitCommand(program);
  addImportCommand(program);
  addRulesCommands(program.command('rules').description(t('rules.description')));
  addRecomputeCommand(program);
  addEventsCommands(program.command('events').description(t('events.description')));
  addConsentCommands(program.command('consent').description(t('consent.description')));
  const users = program.command('users').description(t('users.description'));
  addUserAddCommand(users);
  addUserDecisionCommands(users);
  addUserPasswordCommand(users);
  addUserListCommands(users);
  addExportCommands(program.command('export').description(t('export.description')));
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
    .description(t('init.description'))
    .addOption(dbOption())
    .action((o) => withDb(o.db, () => out(t('init.ready', { file: o.db }))));
}

/** credence import: a folder of interchange files, all or nothing. */
function addImportCommand(program: Command): void {
  authenticated(program.command('import'))
    .description(t('import.description'))
    .argument('<dir>', t('import.dir'))
    .addOption(dbOption())
    .requiredOption('--provider <name>', t('import.provider'))
    .option('--reason <text>', t('import.reason'))
    .action(async (dir: string, o) =>
      asUser(o, 'official', 'import', async (db, actor) => {
        const report = await importFolder(db, dir, { actor, provider: o.provider, reason: o.reason, onProgress: progressBar() });
        if (!report.ok) throw new Rejected(t('import.rejected', { count: report.problemCount }), report.problems, report.problemCount);
        if (report.operationId === null) return out(t('import.nothingNew'));
        const c = report.counts;
        const counts = { operation: report.operationId, ...c };
        out(report.scoring ? t('import.doneScored', { ...counts, scoresChanged: report.scoring.scoresChanged }) : t('import.done', counts));
      }),
    );
}

/** credence rules validate | publish | approve: a ruleset goes live only with a second administrator. */
function addRulesCommands(rules: Command): void {
  rules
    .command('validate')
    .description(t('rules.validate.description'))
    .argument('<file>', t('rules.validate.file'))
    .addOption(dbOption())
    .action((file: string, o) =>
      withDb(o.db, (db) => {
        const result = checkRuleset(db, readJsonFile(file));
        if (!result.ok) throw new Rejected(t('rules.validate.problems', { file, count: result.problems.length }), result.problems);
        out(t('rules.validate.valid', { file, count: result.ruleset.rules.length }));
      }),
    );
  authenticated(rules.command('publish'))
    .description(t('rules.publish.description'))
    .argument('<file>', t('rules.publish.file'))
    .addOption(dbOption())
    .requiredOption('--reason <text>', t('rules.publish.reason'))
    .action((file: string, o) =>
      asUser(o, 'admin', 'rules publish', (db, actor) => {
        const ruleset = readJsonFile(file);
        const simulation = simulateRuleset(db, ruleset, progressBar());
        const id = proposeRuleset(db, ruleset, o.reason, actor, simulation);
        out(t('rules.publish.proposed', { id, file, actor }));
        out(t('rules.publish.simulated', { count: simulation.citizens, changed: simulation.changed }));
      }),
    );
  authenticated(rules.command('approve'))
    .description(t('rules.approve.description'))
    .argument('<proposal_id>', t('rules.approve.id'))
    .addOption(dbOption())
    .requiredOption('--reason <text>', t('rules.approve.reason'))
    .option('--resimulate', t('rules.approve.resimulate'))
    .option('--acknowledge-fairness <text>', t('rules.approve.acknowledge'))
    .action((idText: string, o) =>
      asUser(o, 'admin', 'rules approve', (db, actor) => {
        const id = positiveInt(idText, '<proposal_id>');
        if (o.resimulate) {
          const proposal = getProposal(db, id);
          if (proposal.kind !== 'ruleset') throw new Rejected(t('rules.approve.notRuleset', { id }));
          const simulation = simulateRuleset(db, JSON.parse(proposal.payload), progressBar());
          attachSimulation(db, id, simulation, actor);
          out(t('rules.approve.resimulated', { id, count: simulation.citizens, changed: simulation.changed }));
          return;
        }
        const stored = proposalSimulation(db, getProposal(db, id));
        if (stored && !stored.stale) out(t('rules.approve.storedSimulation', { id, by: stored.ranBy, at: instant(stored.ranAt), count: stored.result.citizens, changed: stored.result.changed }));
        if (!stored) throw new Rejected(t('rules.approve.noSimulation', { id }));
        if (stored.stale) throw new Rejected(t('rules.approve.staleSimulation', { id, why: stored.staleKey ? serverMessage(stored.staleKey as ServerMessageKey, stored.staleParams ?? {}) : stored.stale }));
        const ratio = (x: number | null) => (x === null ? '—' : num(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
        for (const f of stored.result.fairness?.flags ?? []) {
          const flag = { dimension: f.dimension, group: field(f.group), count: f.size, ratio: ratio(f.ratio), threshold: ratio(0.8) };
          out(f.ratioBefore === null ? t('rules.approve.fairnessFlag', flag) : t('rules.approve.fairnessFlagBefore', { ...flag, before: ratio(f.ratioBefore) }));
        }
        const ack = typeof o.acknowledgeFairness === 'string' ? o.acknowledgeFairness : undefined;
        let result;
        try {
          result = approveRuleset(db, id, actor, o.reason, progressBar(), ack);
        } catch (err) {
          if (err instanceof FairnessAcknowledgementError) throw new Rejected(t('rules.approve.acknowledgeNeeded', { message: refusalText(err) }));
          throw err;
        }
        out(t('rules.approve.published', { version: result.version, operation: result.operationId, actor, count: result.scoring!.scoresChanged }));
        for (const e of result.evaluationErrors ?? []) warn(`${t('rules.approve.evaluationErrors', { rule: field(e.ruleId), count: e.count, example: field(e.example) })}\n`);
      }),
    );
}

/** credence recompute: every score as of an instant. */
function addRecomputeCommand(program: Command): void {
  authenticated(program.command('recompute'))
    .description(t('recompute.description'))
    .addOption(dbOption())
    .option('--as-of <iso>', t('recompute.asOf'))
    .option('--reason <text>', t('recompute.reason'))
    .action((o) => {
      if (o.asOf) checkInstant(o.asOf);
      return asUser(o, 'admin', 'recompute', (db, actor) => {
        const started = performance.now();
        const r = recomputeScores(db, { asOf: o.asOf, actor, reason: o.reason, onProgress: progressBar() });
        const s = r.scoring;
        const figures = {
          count: s.citizens,
          asOf: instant(r.asOf),
          seconds: num((performance.now() - started) / 1000, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
          changed: s.scoresChanged,
          rewritten: s.rowsRewritten,
          iterations: s.iterations,
          msEach: num(s.msPerIteration ?? 0, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
        };
        out(r.operationId === null ? t('recompute.doneNothingRecorded', figures) : t('recompute.done', figures));
      });
    });
}

/** credence events retract. */
function addEventsCommands(events: Command): void {
  authenticated(events.command('retract'))
    .description(t('events.retract.description'))
    .argument('<event_id>', t('events.retract.id'))
    .addOption(dbOption())
    .requiredOption('--reason <text>', t('events.retract.reason'))
    .action((eventId: string, o) =>
      asUser(o, 'official', 'events retract', (db, actor) => {
        try {
          const r = retractEvent(db, eventId, { actor, reason: o.reason });
          out(r.scoring ? t('events.retract.doneScored', { id: eventId, operation: r.operationId, count: r.scoring.scoresChanged }) : t('events.retract.done', { id: eventId, operation: r.operationId }));
        } catch (err) {
          if (err instanceof NotFoundError || err instanceof AlreadyRetractedError) throw new Rejected(refusalText(err));
          throw err;
        }
      }),
    );
}

/** credence consent record: one consent record by hand (an official). */
function addConsentCommands(consent: Command): void {
  authenticated(consent.command('record'))
    .description(t('consent.record.description'))
    .argument('<citizen_id>', t('consent.record.id'))
    .addOption(dbOption())
    .requiredOption('--status <status>', t('consent.record.status'))
    .requiredOption('--evidence <text>', t('consent.record.evidence'))
    .requiredOption('--reason <text>', t('consent.record.reason'))
    .option('--at <instant>', t('consent.record.at'))
    .action((citizenId: string, o) =>
      asUser(o, 'official', 'consent record', (db, actor) => {
        const r = recordConsent(db, { citizenId, status: o.status, at: o.at ?? new Date().toISOString(), evidence: o.evidence }, { actor, reason: o.reason });
        const scope = r.inScopeBefore === r.inScopeAfter ? (r.inScopeAfter ? 'inScope' : 'outOfScope') : r.inScopeAfter ? 'enteredScope' : 'leftScope';
        const lines = [t(`consent.record.${scope}`, { status: t(`consent.status.${String(o.status)}`, { defaultValue: String(o.status) }), id: citizenId, operation: r.operationId })];
        if (r.scoring) lines.push(t('consent.record.scoresChanged', { count: r.scoring.scoresChanged }));
        if (r.afterScoringInstant) lines.push(t('consent.record.afterScoringInstant'));
        out(lines.join(t('list.clauseSeparator')));
      }),
    );
}

/** credence users add: the first administrator, a proposed account, or a founding request. */
function addUserAddCommand(users: Command): void {
  authenticated(users.command('add'))
    .description(t('users.add.description', { variable: NEW_PASSWORD_ENV }))
    .argument('<username>', t('users.add.username'))
    .addOption(dbOption())
    .addOption(new Option('--role <role>', t('users.add.role')).choices(['viewer', 'official', 'auditor', 'admin']).makeOptionMandatory())
    .option('--name <display>', t('users.add.name'), '')
    .option('--reason <text>', t('users.add.reason'), t('users.add.defaultReason'))
    .option('--request', t('users.add.request'))
    .action(async (username: string, o) => {
      const db = openDatabase(o.db);
      try {
        const newPassword = () => readLineSecret(NEW_PASSWORD_ENV, t('users.add.passwordPrompt', { user: username }), { confirm: true });
        if (userCount(db) === 0) {
          if (o.role !== 'admin') throw new Rejected(t('users.add.firstIsAdmin'));
          const user = await createFirstAdmin(db, { username, displayName: o.name, password: await newPassword() }, 'first start (command line)');
          return out(t('users.add.firstAdmin', { user: user.username }));
        }
        if (o.request) {
          if (!isFounding(db)) throw new Rejected(t('users.add.requestNotFounding'));
          const id = await proposeAccount(db, { username, displayName: o.name, role: o.role, password: await newPassword(), reason: o.reason }, username);
          return out(t('users.add.requested', { id, user: username, role: o.role }));
        }
        const actor = await authenticate(db, o, 'admin', 'users add');
        const id = await proposeAccount(db, { username, displayName: o.name, role: o.role, password: await newPassword(), reason: o.reason }, actor.username);
        out(t('users.add.proposed', { id, user: username, role: o.role, actor: actor.username }));
      } catch (err) {
        if (err instanceof AuthError || err instanceof IdentityError || err instanceof SecretUnavailableError) throw new Rejected(refusalText(err));
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
      .description(t(`users.${verb}.description`))
      .argument('<change_id>', t('users.changeId'))
      .addOption(dbOption())
      .requiredOption('--reason <text>', t(`users.${verb}.reason`))
      .action((idText: string, o) =>
        asUser(o, 'admin', `users ${verb}`, (db, actor) => {
          const r = decideAccountChange(db, positiveInt(idText, '<change_id>'), verb === 'approve', actor, o.reason);
          out(t('users.decided', { id: idText, status: r.status, decision: t(`users.status.${r.status}`, { defaultValue: r.status }), actor }));
        }),
      );
  }
}

/** credence users password: change your own password. */
function addUserPasswordCommand(users: Command): void {
  users
    .command('password')
    .description(t('users.password.description', { current: 'CREDENCE_PASSWORD', next: NEW_PASSWORD_ENV }))
    .requiredOption('--user <name>', t('users.password.user'))
    .addOption(dbOption())
    .action(async (o) => {
      const db = openDatabase(o.db);
      try {
        const current = await readLineSecret('CREDENCE_PASSWORD', t('users.password.currentPrompt', { user: o.user }));
        const user = await verifyCredentials(db, o.user, current);
        if (!user) {
          logAccess(db, { username: o.user, action: 'password_change', detail: { key: 'access.cli.passwordChangeRefused' }, outcome: 'refused' });
          throw new Rejected(t('identity.wrongPassword'));
        }
        adoptAccountLanguage(user.language);
        await changeOwnPassword(db, user.username, current, await readLineSecret(NEW_PASSWORD_ENV, t('users.password.newPrompt'), { confirm: true }));
        out(t('users.password.changed', { user: user.username }));
      } catch (err) {
        if (err instanceof AuthError || err instanceof SecretUnavailableError) throw new Rejected(refusalText(err));
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
    .description(t('users.pending.description'))
    .addOption(dbOption())
    .action((o) =>
      withDb(o.db, (db) => {
        // Columns a script reads: IDs, codes and ISO instants as stored; only the labels follow the language.
        for (const c of listAccountChanges(db, 'pending')) out([c.id, c.kind, c.username, c.role, t('users.pending.proposedBy', { user: c.proposedBy, at: c.proposedAt }), c.reason].join('\t'));
      }),
    );
  users
    .command('list')
    .description(t('users.list.description'))
    .addOption(dbOption())
    .action((o) =>
      withDb(o.db, (db) => {
        for (const u of db.prepare('SELECT username, role, display_name, created_at, disabled_at FROM users ORDER BY username').all() as Record<string, string | null>[]) {
          const columns = [field(u.username), u.role, field(u.display_name), t('users.list.created', { at: u.created_at })];
          if (u.disabled_at) columns.push(t('users.list.disabled', { at: u.disabled_at }));
          out(columns.join('\t'));
        }
      }),
    );
}

/** credence export scores: the current scores as CSV. */
function addExportCommands(exp: Command): void {
  authenticated(exp.command('scores'))
    .description(t('export.scores.description'))
    .addOption(dbOption())
    .option('--out <file>', t('export.scores.out'))
    .action((o) =>
      asUser(o, 'official', 'export scores', async (db, actor) => {
        const sink = o.out ? createWriteStream(o.out) : process.stdout;
        logAccess(db, { username: actor, action: 'export', detail: o.out ? { key: 'access.cli.exportScoresTo', params: { file: o.out } } : { key: 'access.cli.exportScores' }, outcome: 'allowed' });
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
    .description(t('explain.description'))
    .argument('<citizen_id>', t('explain.id'))
    .addOption(dbOption())
    .option('--json', t('explain.json'))
    .option('--purpose <text>', t('explain.purpose'))
    .action((id: string, o) =>
      asUser(o, 'viewer', 'explain', (db, actor) => {
        let e;
        try {
          e = explainCitizen(db, id);
        } catch (err) {
          if (err instanceof NotFoundError) throw new Rejected(refusalText(err));
          throw err;
        }
        logAccess(db, { username: actor, action: 'view_record', citizenId: id, detail: { key: 'access.cli.explained' }, purpose: o.purpose ?? null, outcome: 'allowed' });
        if (o.json) return out(JSON.stringify(e, null, 2));
        out(formatExplanation(e));
      }),
    );
}

/** A citizen's explanation as text, every figure to the cent as the export rounds it (SCORING_MODEL §5). */
function formatExplanation(e: Explanation): string {
  const pts = (x: number) => (formatPoints(x).startsWith('-') ? '' : '+') + formatPoints(x);
  const language = cliLanguage();
  const ruleName = new Map(e.rules.map((r) => [r.ruleId, localizedName({ name: r.ruleName, i18n: r.i18n }, language)]));
  const lines = [
    t('explain.citizen', { id: field(e.citizenId), name: field(e.name), district: field(e.district) }),
    t('explain.summary', { score: formatPoints(e.score), tier: e.tier, version: e.rulesetVersion, asOf: instant(e.asOf) }),
    `  ${t('explain.base', { points: formatPoints(e.base) })}`,
  ];
  for (const r of e.rules) {
    const rule = { name: field(ruleName.get(r.ruleId) ?? r.ruleName), id: field(r.ruleId), dimension: field(r.dimension), raw: pts(r.raw) };
    lines.push(`  ${pts(r.total).padStart(9)}  ${r.capped ? t('explain.ruleCapped', rule) : t('explain.rule', rule)}`);
    for (const ev of r.events) lines.push(`             ${pts(ev.points)} ${field(ev.eventId)} ${ev.occurredAt}`);
  }
  lines.push(`  ${t('explain.own', { points: formatPoints(e.own) })}`);
  lines.push(`  ${t('explain.friendPenalty', { points: formatPoints(e.friendPenalty), uncapped: formatPoints(e.friendPenaltyUncapped), count: e.activeFriendCount })}`);
  for (const f of e.friends.filter((f) => f.share > 0)) {
    lines.push(`      ${t('explain.friendShare', { share: f.share.toFixed(4), id: field(f.citizenId), name: field(f.name), score: formatPoints(f.score), tier: f.tier })}`);
  }
  lines.push(`  = ${formatPoints(e.score)} (${e.tier})`);
  if (e.reasonCodes.length) {
    const label = (r: { code: string; label: string }) => (r.code === 'friend_penalty' ? t('explain.friendPenaltyCode') : (ruleName.get(r.code) ?? r.label));
    lines.push(t('explain.reasonCodes'), ...e.reasonCodes.map((r, i) => `  ${i + 1}. ${field(label(r))} (${field(r.code)}) ${pts(r.points)}`));
  }
  return lines.join('\n');
}

/** credence demo: a deterministic synthetic population in an empty database. */
function addDemoCommand(program: Command): void {
  authenticated(program.command('demo'))
    .description(t('demo.description'))
    .addOption(dbOption())
    .option('--citizens <n>', t('demo.citizens'), '2000')
    .option('--seed <s>', t('demo.seed'), '1')
    .option('--as-of <iso>', t('demo.asOf'), '')
    .option('--friends <k>', t('demo.friends'), '4')
    .option('--events <k>', t('demo.events'), '12')
    .action(async (o) => {
      const citizens = positiveInt(o.citizens, '--citizens');
      const seed = positiveInt(o.seed, '--seed', 0);
      const asOf = o.asOf ? checkInstant(o.asOf) : parseInstant(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      return asUser(o, 'admin', 'demo', async (db, actor) => {
        // The demo publishes its ruleset without a second person: only into a database that holds nothing yet.
        if ((db.prepare('SELECT count(*) FROM citizens').pluck().get() as number) > 0) throw new Rejected(t('demo.notEmpty'));
        try {
          const r = await createDemoPopulation(db, DEFAULT_RESOURCES, { citizens, seed, asOf, friendsPerCitizen: Number(o.friends), eventsPerCitizen: Number(o.events), onProgress: progressBar(), actor });
          out(t('demo.ready', { file: o.db, count: r.citizens, friendships: r.relationships, events: r.events, version: r.rulesetVersion, asOf: instant(r.asOf) }));
        } catch (err) {
          throw new Rejected(refusalText(err as Error));
        }
      });
    });
}

/**
 * Where a problem is, in the reader's language, with the console's wording
 * (server:problem.*); its reason as the check wrote it. A combination the
 * catalog has no sentence for is written as the engine writes it.
 */
function problemText(p: InputProblem): string {
  const has = { file: p.file !== undefined, line: p.line !== undefined, rule: p.rule !== undefined, field: p.field !== undefined, column: p.position !== undefined };
  const shape = Object.entries(has)
    .filter(([, present]) => present)
    .map(([k]) => k)
    .join('+');
  const params = { file: p.file ?? '', line: p.line ?? 0, rule: p.rule ?? '', field: p.field ?? '', column: p.position ?? 0, message: problemMessage(p) };
  switch (shape) {
    case 'file+line':
      return serverMessage('problem.fileLine', params);
    case 'file':
      return serverMessage('problem.file', params);
    case 'file+field':
      return serverMessage('problem.fileField', params);
    case 'rule+field':
      return serverMessage('problem.ruleField', params);
    case 'rule+field+column':
      return serverMessage('problem.ruleFieldColumn', params);
    case 'field':
      return serverMessage('problem.field', params);
    default:
      return formatProblem({ ...p, message: params.message });
  }
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
  if (!Number.isInteger(n) || n < min) throw new CommanderError(2, 'credence.usage', t('usage.integer', { name, min, value: text }));
  return n;
}

export async function main(argv: string[]): Promise<number> {
  try {
    setCliLanguage(chooseLanguage(argv));
  } catch (err) {
    if (!(err instanceof LanguageChoiceError)) throw err;
    process.stderr.write(`${terminalSafe(err.message)}\n`);
    return 2;
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return 0;
      if (err.code === 'credence.usage') process.stderr.write(`${terminalSafe(t('usage.error', { message: err.message }))}\n`);
      return 2;
    }
    if (err instanceof Rejected) {
      process.stderr.write(`${terminalSafe(err.message)}\n`);
      for (const p of err.problems) process.stderr.write(`  ${field(problemText(p))}\n`);
      if (err.problemCount > err.problems.length) process.stderr.write(`  ${t('problems.more', { count: err.problemCount - err.problems.length })}\n`);
      return 1;
    }
    process.stderr.write(`${terminalSafe(t('usage.error', { message: refusalText(err as Error) }))}\n`);
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
