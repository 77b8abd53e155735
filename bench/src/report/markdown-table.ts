/** A Markdown table; empty cells show as a dash. */
export type Cell = string | number | null | undefined;

export function table(header: string[], rows: Cell[][]): string {
  const line = (cells: Cell[]) =>
    `| ${cells.map((cell) => (cell === null || cell === undefined ? '—' : String(cell))).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
