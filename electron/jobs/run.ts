/**
 * What each job does, given its own database connection. Shared by the worker
 * thread and by tests, which run jobs in-process.
 */
import { rmSync } from 'node:fs';
import type { Db } from '../db/connection.js';
import { createDemoPopulation } from '../services/demo.js';
import { importFolder } from '../services/import.js';
import { simulateRuleset } from '../services/ruleLab.js';
import { approveRuleset } from '../services/proposals.js';
import { recomputeScores } from '../services/rulesets.js';
import { parseInstant, type Progress } from '../services/scoring.js';
import type { JobRequest } from './protocol.js';

export async function runJob(db: Db, request: Omit<JobRequest, 'dbFile' | 'cancel'>, onProgress: Progress): Promise<unknown> {
  const p = request.params;
  switch (request.kind) {
    case 'import': {
      try {
        return await importFolder(db, String(p.folder), {
          actor: request.actor,
          provider: p.provider as string | undefined,
          importRoots: p.importRoots as string[] | undefined,
          origins: p.origins as Record<string, string> | undefined,
          reason: p.reason as string | undefined,
          dryRun: Boolean(p.dryRun),
          onProgress,
        });
      } finally {
        if (p.removeAfter) rmSync(String(p.folder), { recursive: true, force: true });
      }
    }
    case 'publish':
      return approveRuleset(db, Number(p.proposalId), request.actor, String(p.reason), onProgress);
    case 'simulate':
      return simulateRuleset(db, p.ruleset, onProgress);
    case 'recompute':
      return recomputeScores(db, { asOf: p.asOf as string | undefined, actor: request.actor, onProgress });
    case 'demo':
      return createDemoPopulation(db, request.resources, {
        citizens: Number(p.citizens),
        seed: Number(p.seed),
        asOf: parseInstant(new Date().toISOString().slice(0, 10)),
        onProgress,
      });
  }
}
