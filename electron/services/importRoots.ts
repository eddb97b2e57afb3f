/**
 * Where a folder import may read from. The console's importFolder reads a
 * path on the machine that runs Credence, named by whoever is logged in:
 * without a bound, an official could import (and see echoed back) any file
 * the service can read. Folder imports through the console are confined to
 * configured import roots: CREDENCE_IMPORT_ROOTS (a list separated like
 * PATH), or `serve --import-root DIR`, by default the user's Documents
 * folder. Links are resolved first, so a link inside a root that points out
 * of it is refused. The CLI, run by a user who reads the files anyway, is
 * not confined.
 */
import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, relative, sep } from 'node:path';
import { keyed, type Said } from '../../shared/englishText.js';
import type { KeyedParam } from '../../shared/keyedText.js';
import { clip } from './inputLimits.js';
import { osCodeKeyed } from './osError.js';

type FolderProblem = 'noSuchFolder' | 'unreadable' | 'notFolder' | 'outsideRoots' | 'outsideNoRoots';

/** Why a folder may not be imported from: `said` as the import report gives it, `refusal(folder)` with the folder named (the console's refusal). */
export class ImportFolderError extends Error {
  readonly said: Said;
  constructor(
    private problem: FolderProblem,
    private params: Record<string, KeyedParam> = {},
  ) {
    const said = keyed(`importFolder.${problem}`, params);
    super(said.message);
    this.said = said;
  }

  refusal(folder: string): Said {
    return keyed(`importFolder.refused.${this.problem}`, { ...this.params, folder: clip(folder, 200) });
  }
}

/** The import roots configured for this process: CREDENCE_IMPORT_ROOTS, else ~/Documents. */
export function defaultImportRoots(env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = env.CREDENCE_IMPORT_ROOTS;
  if (configured !== undefined && configured.trim() !== '') return configured.split(delimiter).map((s) => s.trim()).filter(Boolean);
  return [join(homedir(), 'Documents')];
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The folder's resolved path, after checking it is a folder and, when
 * `roots` is given, that it is one of them or lies inside one (both sides
 * resolved, so no link leads out). Throws ImportFolderError otherwise.
 */
export function checkImportFolder(dir: string, roots?: readonly string[]): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' || code === 'ENOTDIR' ? new ImportFolderError('noSuchFolder') : new ImportFolderError('unreadable', { code: osCodeKeyed(err) });
  }
  if (!statSync(real).isDirectory()) throw new ImportFolderError('notFolder');
  if (roots) {
    const resolved = roots.flatMap((r) => {
      try {
        return [realpathSync(r)];
      } catch {
        return [];
      }
    });
    if (!resolved.some((r) => isInside(r, real))) {
      throw roots.length ? new ImportFolderError('outsideRoots', { roots: roots.map((r) => clip(r)).join(', ') }) : new ImportFolderError('outsideNoRoots');
    }
  }
  return real;
}
