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
import { refusalText, t } from './i18n.js';

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
      if (err instanceof NotFoundError) throw new Rejected(refusalText(err));
      throw err;
    }
  };
  const write = (file: string, content: string | Buffer) => {
    try {
      writeFileSync(file, content);
    } catch (err) {
      throw new Rejected(t('file.cannotWrite', { file, reason: (err as Error).message }));
    }
  };

  authenticated(program.command('disclose'))
    .description(t('disclose.description'))
    .argument('<citizen_id>', t('disclose.id'))
    .addOption(dbOption())
    .requiredOption('--out <file>', t('disclose.out'))
    .option('--purpose <text>', t('disclose.purpose'))
    .addOption(new CommanderOption('--language <language>', t('disclose.language')).choices([...LANGUAGES]))
    .action((id: string, o) =>
      asUser(o, 'official', 'disclose', (db, actor) => {
        const language = o.language as Language | undefined;
        const pdf = notFoundIsRejected(() => renderDisclosure(db, id, { generatedBy: actor, language }));
        logAccess(db, { username: actor, action: 'export', citizenId: id, detail: { key: 'access.cli.disclosure' }, purpose: o.purpose ?? null, outcome: 'allowed' });
        write(o.out, pdf);
        out(t('disclose.done', { id, file: o.out, bytes: pdf.length }));
      }),
    );

  // The `export` group is defined in cli.ts; a program without one gets it here.
  const exp = program.commands.find((c) => c.name() === 'export') ?? program.command('export').description(t('export.description'));
  authenticated(exp.command('subject'))
    .description(t('export.subject.description'))
    .argument('<citizen_id>', t('export.subject.id'))
    .addOption(dbOption())
    .option('--out <file>', t('export.subject.out'))
    .option('--purpose <text>', t('export.subject.purpose'))
    .action((id: string, o) =>
      asUser(o, 'official', 'export subject', (db, actor) => {
        const json = `${JSON.stringify(notFoundIsRejected(() => subjectAccessExport(db, id)), null, 2)}\n`;
        logAccess(db, {
          username: actor,
          action: 'export',
          citizenId: id,
          detail: { key: 'access.cli.subject' },
          purpose: o.purpose ?? null,
          outcome: 'allowed',
        });
        if (!o.out) return out(json);
        write(o.out, json);
        out(t('export.subject.done', { id, file: o.out }));
      }),
    );
}
