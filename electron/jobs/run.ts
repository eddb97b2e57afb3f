/**
 * What each job does, given its own database connection. Shared by the worker
 * thread and by tests, which run jobs in-process. A job arrives parsed
 * (protocol.ts), so each kind reads its own typed parameters.
 */
import { rmSync } from 'node:fs';
import type { JobResult } from '../../shared/contract.js';
import type { Db } from '../db/connection.js';
import { createDemoPopulation } from '../services/demo.js';
import { importFolder } from '../services/import.js';
import { simulateRuleset } from '../services/ruleLab.js';
import { approveRuleset } from '../services/proposals.js';
import { recomputeScores } from '../services/rulesets.js';
import { parseInstant, type Progress } from '../services/scoring.js';
import type { Job } from './protocol.js';

export interface JobContext {
  actor: string;
  /** The resources folder (default ruleset, event kinds) the demo job reads. */
  resources: string;
  onProgress: Progress;
}

export async function runJob(db: Db, job: Job, { actor, resources, onProgress }: JobContext): Promise<JobResult> {
  switch (job.kind) {
    case 'import': {
      const p = job.params;
      try {
        return await importFolder(db, p.folder, {
          actor,
          provider: p.provider,
          importRoots: p.importRoots,
          origins: p.origins,
          reason: p.reason,
          dryRun: p.dryRun ?? false,
          onProgress,
        });
      } finally {
        if (p.removeAfter) rmSync(p.folder, { recursive: true, force: true });
      }
    }
    case 'publish':
      return approveRuleset(db, job.params.proposalId, actor, job.params.reason, onProgress, job.params.fairnessAcknowledgement);
    case 'simulate':
      return simulateRuleset(db, job.params.ruleset, onProgress);
    case 'recompute':
      return recomputeScores(db, { asOf: job.params.asOf, actor, onProgress });
    case 'demo':
      return createDemoPopulation(db, resources, {
        citizens: job.params.citizens,
        seed: job.params.seed,
        asOf: parseInstant(new Date().toISOString().slice(0, 10)),
        onProgress,
      });
  }
}
