/**
 * `npm start --scenario x` (without "--") never reaches us as an option: npm takes `--scenario` for
 * one of its own settings, exports it as `npm_config_scenario` (`true` when the value came as a
 * separate word, which npm then passes on as a loose argument) and runs the script without it.
 * This spots our options in that form and says what the user meant. Pure.
 */
import { OPTION_SPECS } from './options';

/** Options npm would also see as its own or never pass on (`--help` is npm's). */
const NOT_DETECTED = new Set(['help', 'verbose']);

/** A word as it must be typed in a POSIX shell. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** npm's environment name for an option (`--secret-id` -> `npm_config_secret_id`; `--no-synth` -> `npm_config_synth`). */
function npmName(option: string): string {
  return `npm_config_${option.replace(/^no-/, '').replace(/-/g, '_')}`;
}

/**
 * The hint for an `npm start` whose options npm kept, or undefined when there is none. `argv` is
 * what reached the script: the words npm left loose come first, then whatever followed "--".
 */
export function npmSwallowedHint(argv: readonly string[], env: Record<string, string | undefined>): string | undefined {
  if (env.npm_lifecycle_event === undefined) return undefined;
  const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
  const loose = firstOption < 0 ? [...argv] : argv.slice(0, firstOption);
  const rest = firstOption < 0 ? [] : argv.slice(firstOption);
  const kept: Array<{ option: string; type: 'string' | 'boolean'; value: string }> = [];
  for (const [option, spec] of Object.entries(OPTION_SPECS)) {
    const value = env[npmName(option)];
    if (NOT_DETECTED.has(option) || value === undefined) continue;
    const negated = option.startsWith('no-');
    if (spec.type === 'boolean' && value !== (negated ? '' : 'true')) continue;
    kept.push({ option, type: spec.type, value });
  }
  if (kept.length === 0) return undefined;
  const separate = kept.filter((k) => k.type === 'string' && k.value === 'true');
  // npm loses the order of the options; a loose word is an option's value only when one option lost its value.
  const pairable = separate.length === 1 && loose.length > 0;
  const words = kept.flatMap(({ option, type, value }) => {
    if (type === 'boolean') return [`--${option}`];
    if (value !== 'true') return [`--${option}`, shellWord(value)];
    return [`--${option}`, pairable ? shellWord(loose[0] ?? '') : '<value>'];
  });
  const leftover = pairable ? loose.slice(1) : separate.length > 0 ? [] : loose;
  const suggestion = ['npm start --', ...words, ...leftover.map(shellWord), ...rest.map(shellWord)].join(' ');
  const lost =
    separate.length > 1 && loose.length > 0
      ? `\n(npm passed on ${loose.map(shellWord).join(' ')} without saying which option each belongs to)`
      : '';
  return `npm start: did you mean "${suggestion}"? (npm keeps options before "--" for itself)${lost}`;
}
