/**
 * The command line keeps the proposal's simulation too: `rules publish`
 * simulates the file and stores the result with the proposal; `rules approve`
 * shows it, and refuses once the data has changed since, until
 * `--resimulate` has run it again on today's data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADJ_KINDS, adjRuleset } from '../helpers/adjWorld.js';
import { runCli, runCliOk, seedCliAccount, useCliIdentity } from '../helpers/cliHarness.js';
import { writeFolder } from '../helpers/importFixtures.js';
import { tempDir } from '../helpers/tempDirs.js';

process.env.CREDENCE_DB_PASSPHRASE = 'proposal simulation test passphrase';

useCliIdentity();

let work: { dir: string; cleanup: () => void };
beforeAll(() => {
  work = tempDir('proposal-simulation');
});
afterAll(() => work.cleanup());

const folder = (name: string, files: Record<string, string>): string => writeFolder(join(work.dir, name), files);
const ok = runCliOk;

describe('rules publish / approve with the stored simulation', () => {
  it('stores the simulation, refuses a stale one at approval, approves after --resimulate', async () => {
    const db = join(work.dir, 'p.sqlite');
    const batch1 = folder('batch1', {
      'event_kinds.json': JSON.stringify(ADJ_KINDS),
      'citizens.csv': 'citizen_id,name,district,birth_date\nK,Citizen K,North,\nJ,Citizen J,North,\n',
      'relationships.csv': 'a,b,since,until\nK,J,2020-01-01,\n',
      'events.csv': 'event_id,citizen_id,kind,occurred_at,data\ne1,K,adj,2024-01-01T00:00:00Z,"{""p"":-50}"\n',
    });
    const batch2 = folder('batch2', { 'events.csv': 'event_id,citizen_id,kind,occurred_at,data\ne2,J,adj,2024-02-01T00:00:00Z,"{""p"":-10}"\n' });
    const rulesetFile = join(work.dir, 'ruleset.json');
    writeFileSync(rulesetFile, JSON.stringify(adjRuleset()));
    await seedCliAccount(db);
    await seedCliAccount(db, 'second-admin');
    await ok('import', batch1, '--db', db, '--provider', 'test registry');

    const proposed = await ok('rules', 'publish', rulesetFile, '--db', db, '--reason', 'the adjustment rules');
    const proposal = /^proposal (\d+)/.exec(proposed)![1];
    expect(proposed).toMatch(/simulated with the proposal: \d+ of 2 scores would change/);

    // The data changes after the simulation: the approval is refused and publishes nothing.
    await ok('import', batch2, '--db', db, '--provider', 'test registry');
    const stale = await runCli('rules', 'approve', proposal, '--db', db, '--reason', 'checked', '--user', 'second-admin');
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(/the data changed since the simulation.*--resimulate/);

    const again = await ok('rules', 'approve', proposal, '--db', db, '--reason', 'checked', '--user', 'second-admin', '--resimulate');
    expect(again).toMatch(new RegExp(`proposal ${proposal} simulated again on today's data`));
    const approved = await ok('rules', 'approve', proposal, '--db', db, '--reason', 'checked', '--user', 'second-admin');
    expect(approved).toMatch(/simulated by second-admin/);
    expect(approved).toMatch(/published ruleset version \d+ .*approved by second-admin/);
  });
});
