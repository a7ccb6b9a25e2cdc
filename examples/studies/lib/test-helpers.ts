// What every study test checks besides its claim: the files exist and are well-formed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { Study, StudyResult } from "./study.ts";

/** Runs a study at toy size (seed `seed`) in a fresh temporary directory, removed afterwards. */
export async function runToy<D>(
  study: Study<D>,
  seed = 0,
): Promise<{ result: StudyResult<D>; files: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), `study-${study.name}-`));
  try {
    const result = await study.run({ size: "toy", outDir: dir, seed });
    const files = Object.fromEntries(result.files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
    return { result, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** figure.svg is one standalone SVG document, report.html a page with the claim and the figure, summary.md the claim and numbers. */
export function expectWellFormedReport(
  study: Study,
  result: StudyResult,
  files: Record<string, string>,
): void {
  expect(result.files[0]).toBe("figure.svg");
  expect(result.files).toEqual(expect.arrayContaining(["figure.svg", "report.html", "summary.md"]));
  const svg = files["figure.svg"];
  expect(svg.trimStart().startsWith("<svg")).toBe(true);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  expect(svg.match(/<svg\b/g)?.length).toBe(svg.match(/<\/svg>/g)?.length);
  expect(svg).not.toMatch(/NaN|undefined/);
  const html = files["report.html"];
  expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
  expect(html).toContain(study.title.replace(/&/g, "&amp;"));
  expect(html).toContain("<svg");
  expect(html.trimEnd().endsWith("</html>")).toBe(true);
  expect(files["summary.md"]).toContain(study.claim);
  expect(result.summary).toBe(files["summary.md"]);
}
