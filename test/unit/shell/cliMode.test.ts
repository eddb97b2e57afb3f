import { expect, it } from 'vitest';
import { cliArguments } from '../../../electron/shell/cliMode.js';

it('the installed app runs the command line for `credence cli ...`, packaged or not', () => {
  expect(cliArguments(['/opt/Credence/credence', 'cli', 'export', 'scores', '--db', 'x.sqlite'], true)).toEqual(['export', 'scores', '--db', 'x.sqlite']);
  expect(cliArguments(['/usr/lib/electron', '.', 'cli', '--help'], false)).toEqual(['--help']);
  expect(cliArguments(['/opt/Credence/credence', 'cli'], true)).toEqual([]);
});

it('anything else starts the console window', () => {
  expect(cliArguments(['/opt/Credence/credence'], true)).toBeNull();
  expect(cliArguments(['/usr/lib/electron', '.'], false)).toBeNull();
  // The word must be the first argument: a file named cli elsewhere is not a switch.
  expect(cliArguments(['/opt/Credence/credence', '--open', 'cli'], true)).toBeNull();
  expect(cliArguments(['/usr/lib/electron', 'cli'], false)).toBeNull();
});
