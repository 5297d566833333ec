/**
 * A markdown table with padded columns, as prettier formats one (so a written report or
 * snapshot stays unchanged under `prettier --check`). `align`: "l" or "r" per column.
 *
 * @example
 * markdownTable(["label", "gas"], ["l", "r"], [["verify", "1,000"]]);
 */
export function markdownTable(header: string[], align: ("l" | "r")[], rows: string[][]): string[] {
  const width = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((v, c) => (align[c] === "r" ? v.padStart(width[c]) : v.padEnd(width[c]))).join(" | ")} |`;
  const rule = `| ${width.map((w, c) => (align[c] === "r" ? "-".repeat(w - 1) + ":" : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)];
}
