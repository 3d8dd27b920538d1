/** Aligned text columns for people; scripts use --json. */
export function table(rows: (string | number | null | undefined)[][]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))));
  const widths = cells[0]?.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0))) ?? [];
  return (
    cells
      .map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export const formatNumber = (value: unknown): string =>
  typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toPrecision(4)) : String(value ?? '');

/**
 * A progress bar redrawn in place on a terminal (stderr), or one line per update elsewhere
 * (CI logs), so stdout stays the command's answer.
 */
export class ProgressBar {
  #last = '';
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly width = 30,
  ) {}

  update(done: number, total: number | undefined, note: string): void {
    const fraction = total ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * this.width);
    const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${done}/${total}` : `${done}`;
    const line = `${bar} ${note}`.trimEnd();
    if (line === this.#last) return;
    this.#last = line;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  end(): void {
    if (this.stream.isTTY && this.#last) this.stream.write('\n');
    this.#last = '';
  }
}
