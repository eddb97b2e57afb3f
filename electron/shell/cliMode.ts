/**
 * The installed app is also the command line: `credence cli <command> ...`
 * (the Electron binary runs the same bundle as `npm run cli`, without a
 * window), so the operator's path in the README works on a workstation that
 * has no Node and no checkout. Electron's fuses forbid ELECTRON_RUN_AS_NODE,
 * so this is the way in.
 */
export const CLI_SWITCH = 'cli';

/**
 * The command-line arguments when the app was started as `credence cli ...`,
 * else null. Packaged, argv is [app, ...args]; unpackaged (`electron .`),
 * [electron, appPath, ...args].
 */
export function cliArguments(argv: readonly string[], packaged: boolean): string[] | null {
  const args = argv.slice(packaged ? 1 : 2);
  return args[0] === CLI_SWITCH ? args.slice(1) : null;
}
