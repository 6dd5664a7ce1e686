/**
 * How `npm start` looks: colour (only on a terminal, never with NO_COLOR) and the layout of every
 * line: a label column, then the text; continuation lines are indented under the text.
 */

export interface Style {
  bold: (text: string) => string;
  dim: (text: string) => string;
  green: (text: string) => string;
  yellow: (text: string) => string;
  red: (text: string) => string;
  cyan: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const PLAIN: Style = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  red: (t) => t,
  cyan: (t) => t,
};

export const ANSI: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  red: sgr(31, 39),
  cyan: sgr(36, 39),
};

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function useColor(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  return Boolean(isTTY) && !env.NO_COLOR;
}

/** Removes ANSI colour codes (tests, width computations). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- ESC (0x1b) is exactly what an ANSI colour code starts with
  return text.replace(/\u001b\[\d+m/g, '');
}

export const LABEL_WIDTH = 9;

export function row(
  label: string,
  text: string,
  style: Style = PLAIN,
  colour: (t: string) => string = style.dim,
): string {
  return `  ${colour(label.padEnd(LABEL_WIDTH))} ${text}`;
}

export function continuation(text: string): string {
  return `  ${' '.repeat(LABEL_WIDTH)} ${text}`;
}

export function heading(text: string, style: Style = PLAIN): string {
  return style.bold(`== ${text}`);
}

/** Green, yellow, red by outcome status; anything else uncoloured. */
export function statusColour(status: string | undefined, style: Style): (t: string) => string {
  if (status === 'SUCCESS') return style.green;
  if (status === 'SKIPPED') return style.yellow;
  if (status === 'ERROR') return style.red;
  return (t) => t;
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
