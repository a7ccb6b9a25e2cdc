// Writes a study's three files: figure.svg, report.html and summary.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ax from "@axon/axon";
import type { Study } from "./study.ts";

const { escapeHtml, htmlPage, detailsTable } = ax.nn.plot;

/** An HTML table of numbers (class `data`, styled by the report pages): a header row, then rows. */
export function dataTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cell = (tag: string, v: string | number) => `<${tag}>${escapeHtml(String(v))}</${tag}>`;
  const head = `<tr>${header.map((h) => cell("th", h)).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((v) => cell("td", v)).join("")}</tr>`).join("\n");
  return `<table class="data">\n${head}\n${body}\n</table>`;
}

/** A Markdown table: a header row, then rows. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export interface StudyReport {
  /** Key → value pairs describing the setup (sizes, seeds, learning rates). */
  readonly setup: Readonly<Record<string, string | number>>;
  /** The main picture: a standalone SVG document (see `composeFigure`). */
  readonly figure: string;
  /** More HTML after the figure: tables of the numbers, extra charts. */
  readonly body?: string;
  /** The summary in Markdown: what the numbers show (the claim and setup are prepended). */
  readonly result: string;
}

/**
 * Writes `figure.svg`, `report.html` and `summary.md` into `outDir` (created if missing) and
 * returns the summary text and the file names, the figure first (as `StudyResult` wants them).
 */
export function writeStudyReport(
  study: Pick<Study, "title" | "claim">,
  outDir: string,
  size: string,
  report: StudyReport,
): { summary: string; files: string[] } {
  mkdirSync(outDir, { recursive: true });
  const setupLines = Object.entries(report.setup).map(([k, v]) => `- ${k}: ${v}`);
  const summary = [
    `# ${study.title}`,
    "",
    `**Claim.** ${study.claim}`,
    "",
    `**Setup** (${size} size):`,
    ...setupLines,
    "",
    "**Result.**",
    report.result.trim(),
    "",
  ].join("\n");
  const html = htmlPage(
    study.title,
    [
      `<p><b>Claim.</b> ${escapeHtml(study.claim)}</p>`,
      "<h2>Setup</h2>",
      detailsTable({ size, ...report.setup }),
      "<h2>Picture</h2>",
      `<div class="charts"><figure class="chart">${report.figure.replace(/^<\?xml[^>]*>/, "")}</figure></div>`,
      report.body ?? "",
      "<h2>Summary</h2>",
      `<pre>${escapeHtml(summary)}</pre>`,
    ].join("\n"),
  );
  writeFileSync(join(outDir, "figure.svg"), report.figure);
  writeFileSync(join(outDir, "report.html"), html);
  writeFileSync(join(outDir, "summary.md"), summary);
  return { summary, files: ["figure.svg", "report.html", "summary.md"] };
}
