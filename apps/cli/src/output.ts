/** How results reach the terminal: JSON for scripts, aligned tables for people. */

const useColour = () =>
  Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

const paint = (code: string) => (text: string) =>
  useColour() ? `\u001b[${code}m${text}\u001b[0m` : text;

export const bold = paint('1');
export const dim = paint('2');
export const green = paint('32');
export const yellow = paint('33');
export const red = paint('31');
export const cyan = paint('36');

// eslint-disable-next-line no-control-regex -- matching the escape codes paint() adds is the point
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text: string) => [...text.replace(ANSI, '')].length;

/** Prints `data` as the API gave it (dates as ISO strings), for `--json`. */
export function printJson(data: unknown): void {
  process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** An aligned table: a bold header row, then one row per item; `empty` when there are none. */
export function printTable(headers: string[], rows: string[][], empty = 'Nothing to show.'): void {
  if (rows.length === 0) {
    printLine(dim(empty));
    return;
  }
  const widths = headers.map((header, column) =>
    Math.max(visibleLength(header), ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1
          ? cell
          : cell + ' '.repeat(widths[column]! - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd();
  printLine(bold(line(headers)));
  for (const row of rows) printLine(line(row));
}

const STATUS_COLOURS: Record<string, (text: string) => string> = {
  backlog: dim,
  todo: (text) => text,
  in_progress: yellow,
  done: green,
  canceled: dim,
};

export const colourStatus = (status: string) => (STATUS_COLOURS[status] ?? String)(status);

/** `2026-11-30` for dates people read in a table. */
export const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : '');

/** `2026-11-30 14:05` (UTC). */
export const minute = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')}`;
