/**
 * Commander's own words in the command line's language: the help's titles,
 * the help option and command, "default:" and "choices:" after an option,
 * and its usage errors (a missing argument, an unknown option...). Set on the
 * program before its subcommands exist, which inherit it. Option names,
 * command names and values stay as typed.
 */
import { type Argument, type Command, Help, type Option } from 'commander';
import { t } from './i18n.js';
import { displayWidth, hasWide, wrapColumns } from './terminalText.js';

const TITLES: Record<string, string> = {
  'Usage:': 'help.title.usage',
  'Options:': 'help.title.options',
  'Commands:': 'help.title.commands',
  'Arguments:': 'help.title.arguments',
  'Global Options:': 'help.title.globalOptions',
};

const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(', ');

function withExtras(description: string, extras: string[]): string {
  if (!extras.length) return description;
  const joined = extras.join(t('list.separator'));
  return description ? t('help.withExtras', { description, extras: joined }) : t('help.extras', { extras: joined });
}

function optionDescription(option: Option): string {
  const extras: string[] = [];
  if (option.argChoices && !option.negate) extras.push(t('help.choices', { values: quoted(option.argChoices) }));
  const shows = option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean');
  if (option.defaultValue !== undefined && !option.negate && shows) {
    extras.push(t('help.default', { value: option.defaultValueDescription || JSON.stringify(option.defaultValue) }));
  }
  if (option.envVar !== undefined) extras.push(t('help.env', { variable: option.envVar }));
  return withExtras(option.description, extras);
}

function argumentDescription(argument: Argument): string {
  const extras: string[] = [];
  if (argument.argChoices) extras.push(t('help.choices', { values: quoted(argument.argChoices) }));
  if (argument.defaultValue !== undefined) extras.push(t('help.default', { value: argument.defaultValueDescription || JSON.stringify(argument.defaultValue) }));
  return withExtras(argument.description, extras);
}

/** Commander's usage errors, matched on its English wording (commander 14), in the chosen language; anything else unchanged. */
const ERRORS: { pattern: RegExp; key: string; params: (m: RegExpExecArray) => Record<string, string> }[] = [
  { pattern: /^error: missing required argument '([^']*)'$/, key: 'commander.missingArgument', params: (m) => ({ name: m[1] }) },
  { pattern: /^error: option '([^']*)' argument missing$/, key: 'commander.optionMissingArgument', params: (m) => ({ option: m[1] }) },
  { pattern: /^error: required option '([^']*)' not specified$/, key: 'commander.missingMandatoryOption', params: (m) => ({ option: m[1] }) },
  { pattern: /^error: unknown option '([^']*)'(?:\n\(Did you mean (\S+)\?\))?$/, key: 'commander.unknownOption', params: (m) => ({ option: m[1], suggestion: m[2] ?? '' }) },
  { pattern: /^error: unknown command '([^']*)'(?:\n\(Did you mean (\S+)\?\))?$/, key: 'commander.unknownCommand', params: (m) => ({ command: m[1], suggestion: m[2] ?? '' }) },
  { pattern: /^error: too many arguments(?: for '([^']*)')?\. Expected (\d+) arguments? but got (\d+)\.$/, key: 'commander.excessArguments', params: (m) => ({ expected: m[2], received: m[3] }) },
  {
    pattern: /^error: option '([^']*)' argument '([^']*)' is invalid\. Allowed choices are (.*)\.$/,
    key: 'commander.invalidChoice',
    params: (m) => ({ option: m[1], value: m[2], choices: m[3] }),
  },
];

export function translateCommanderError(text: string): string {
  const body = text.replace(/\n$/, '');
  for (const { pattern, key, params } of ERRORS) {
    const m = pattern.exec(body);
    if (!m) continue;
    const p = params(m);
    const suggested = 'suggestion' in p && p.suggestion ? `${key}Suggest` : key;
    return `${t(suggested, p)}\n`;
  }
  return text;
}

/** Commander's [options] and [command] in a usage line or a command's term, in the chosen language (argument names stay as typed). */
export function localPlaceholders(text: string): string {
  return text.replace(/\[options\]/g, t('help.placeholder.options')).replace(/\[command\]/g, t('help.placeholder.command'));
}

/** The program's help and usage errors in the chosen language; call before adding subcommands. */
export function localizeHelp(program: Command): void {
  program
    .helpOption('-h, --help', t('help.helpOption'))
    .helpCommand('help [command]', t('help.helpCommand'))
    .configureHelp({
      styleTitle: (title) => (TITLES[title] ? t(TITLES[title]) : title),
      optionDescription,
      argumentDescription,
      commandUsage: (cmd) => localPlaceholders(Help.prototype.commandUsage.call(cmd.createHelp(), cmd)),
      subcommandTerm: (cmd) => localPlaceholders(Help.prototype.subcommandTerm.call(cmd.createHelp(), cmd)),
      // Chinese characters take two columns and a line may break between any two of them.
      displayWidth,
      boxWrap(text: string, width: number): string {
        return hasWide(text) ? wrapColumns(text, width) : Help.prototype.boxWrap.call(this, text, width);
      },
    })
    .configureOutput({ outputError: (text, write) => write(translateCommanderError(text)) });
}
