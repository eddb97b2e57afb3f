/**
 * Citizen-facing disclosure commands: `disclose CITIZEN_ID --out FILE.pdf`
 * (the score disclosure handed to a citizen) and `export subject CITIZEN_ID`
 * (everything held on one citizen, as JSON). Registered on the program built
 * in cli.ts, with its option factories and error conventions (exit 1 for
 * rejected input).
 */
import { Option as CommanderOption, type Command, type Option } from 'commander';
import { LANGUAGES, type Language } from '../../shared/language.js';
import type { Role } from '../../shared/contract.js';
import { writeFileSync } from 'node:fs';
import type { Db } from '../db/connection.js';
import { logAccess } from '../services/accessLog.js';
import { renderDisclosure } from '../services/disclosure.js';
import { NotFoundError } from '../services/explain.js';
import { subjectAccessExport } from '../services/subjectAccess.js';

/** What cli.ts lends to this module. */
export interface DisclosureCliHelpers {
  dbOption: () => Option;
  authenticated: (command: Command) => Command;
  asUser: <T>(o: { db: string; user?: string; token?: string }, needed: Role, command: string, fn: (db: Db, actor: string) => T | Promise<T>) => Promise<T>;
  withDb: <T>(file: string, fn: (db: Db) => T) => T;
  /** Rejected input: printed to stderr, exit 1. */
  Rejected: new (message: string) => Error;
  out: (text: string) => void;
}

export function registerDisclosureCommands(program: Command, h: DisclosureCliHelpers): void {
  const { dbOption, authenticated, asUser, Rejected, out } = h;
  const notFoundIsRejected = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof NotFoundError) throw new Rejected(err.message);
      throw err;
    }
  };
  const write = (file: string, content: string | Buffer) => {
    try {
      writeFileSync(file, content);
    } catch (err) {
      throw new Rejected(`cannot write ${file}: ${(err as Error).message}`);
    }
  };

  authenticated(program.command('disclose'))
    .description("write a citizen's score disclosure (PDF): score, range, tier, main reasons, calculation, open disputes, how to contest")
    .argument('<citizen_id>')
    .addOption(dbOption())
    .requiredOption('--out <file>', 'the PDF file to write')
    .option('--purpose <text>', 'why the disclosure is produced (recorded in the access log)')
    .addOption(new CommanderOption('--language <language>', "the disclosure's language (default: the citizen's, else English)").choices([...LANGUAGES]))
    .action((id: string, o) =>
      asUser(o, 'official', 'disclose', (db, actor) => {
        const language = o.language as Language | undefined;
        const pdf = notFoundIsRejected(() => renderDisclosure(db, id, { generatedBy: actor, language }));
        logAccess(db, { username: actor, action: 'export', citizenId: id, detail: 'score disclosure (PDF), command line', purpose: o.purpose ?? null, outcome: 'allowed' });
        write(o.out, pdf);
        out(`disclosure for ${id} written to ${o.out} (${pdf.length} bytes)`);
      }),
    );

  // The `export` group is defined in cli.ts; a program without one gets it here.
  const exp = program.commands.find((c) => c.name() === 'export') ?? program.command('export').description('export data');
  authenticated(exp.command('subject'))
    .description('everything held on one citizen (subject access), as JSON')
    .argument('<citizen_id>')
    .addOption(dbOption())
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--purpose <text>', 'why the export is produced (recorded in the access log)')
    .action((id: string, o) =>
      asUser(o, 'official', 'export subject', (db, actor) => {
        const json = `${JSON.stringify(notFoundIsRejected(() => subjectAccessExport(db, id)), null, 2)}\n`;
        logAccess(db, {
          username: actor,
          action: 'export',
          citizenId: id,
          detail: 'subject-access export (JSON), command line, protected fields included: the citizen has the right to all data held on them',
          purpose: o.purpose ?? null,
          outcome: 'allowed',
        });
        if (!o.out) return out(json);
        write(o.out, json);
        out(`subject-access export for ${id} written to ${o.out}`);
      }),
    );
}
