import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverStudies, runStudy, writeIndex } from "./runner.ts";

const STUDIES = dirname(dirname(fileURLToPath(import.meta.url)));

/** A study file that writes the three report files, or throws when `fails`. */
const fakeStudy = (name: string, claim: string, fails = false) => `
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
export const study = {
  name: ${JSON.stringify(name)},
  title: ${JSON.stringify(`Fake ${name}`)},
  claim: ${JSON.stringify(claim)},
  fullSize: "nothing",
  async run({ size, outDir, seed = 0 }) {
    ${fails ? 'throw new Error("fake failure");' : ""}
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "figure.svg"), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>');
    writeFileSync(join(outDir, "report.html"), "<!DOCTYPE html><html></html>");
    writeFileSync(join(outDir, "summary.md"), "# summary");
    return { summary: "# summary", files: ["figure.svg", "report.html", "summary.md"], data: { size, seed } };
  },
};
`;

describe("the studies runner", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "studies-runner-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function folder(name: string, source?: string) {
    mkdirSync(join(root, name), { recursive: true });
    if (source) writeFileSync(join(root, name, "study.ts"), source);
  }

  it("finds every NN-name/study.ts in folder order and skips other folders", async () => {
    folder("02-beta", fakeStudy("beta", "Beta holds."));
    folder("01-alpha", fakeStudy("alpha", "Alpha holds."));
    folder("lib", fakeStudy("library", "not a study"));
    folder("03-empty");
    const found = await discoverStudies(root);
    expect(found.map((f) => [f.folder, f.study.name])).toEqual([
      ["01-alpha", "alpha"],
      ["02-beta", "beta"],
    ]);
  });

  it("rejects two studies with one name", async () => {
    folder("01-a", fakeStudy("same", "x"));
    folder("02-b", fakeStudy("same", "y"));
    await expect(discoverStudies(root)).rejects.toThrow(/two studies are named 'same'/);
  });

  it("runs the studies, records a failure, copies the figure and writes an index linking each report with its claim and picture", async () => {
    folder("01-alpha", fakeStudy("alpha", "Alpha <holds>."));
    folder("02-broken", fakeStudy("broken", "Never shown to work.", true));
    const found = await discoverStudies(root);
    const out = join(root, "runs");
    const runs = [];
    for (const f of found)
      runs.push(
        await runStudy(f, { size: "toy", seed: 3, outDir: join(out, f.study.name), copyFigure: true }),
      );
    expect(runs[0].error).toBeUndefined();
    expect(runs[0].result?.data).toEqual({ size: "toy", seed: 3 });
    expect(existsSync(join(root, "01-alpha", "figure.svg"))).toBe(true);
    expect(runs[1].error).toMatch(/fake failure/);
    const index = readFileSync(writeIndex(out, runs, "toy", 3), "utf8");
    expect(index.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(index).toContain('href="alpha/report.html"');
    expect(index).toContain('src="alpha/figure.svg"');
    expect(index).toContain("Alpha &lt;holds&gt;.");
    expect(index).toContain("Failed");
    expect(index).toContain("fake failure");
    expect(index).toContain("2 studies at toy size, seed 3");
  });

  it("finds the real studies, each with a unique name, a title, a claim and a full size", async () => {
    const found = await discoverStudies(STUDIES);
    const names = found.map((f) => f.study.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "initialization",
        "symmetry",
        "batch-norm",
        "optimizers",
        "input-normalization",
      ]),
    );
    for (const { study } of found) {
      expect(study.title.length).toBeGreaterThan(0);
      expect(study.claim.length).toBeGreaterThan(20);
      expect(study.fullSize.length).toBeGreaterThan(0);
    }
  });

  it("pnpm study --list prints every study", () => {
    const tsx = join(STUDIES, "..", "..", "node_modules", ".bin", "tsx");
    const out = execFileSync(tsx, [join(STUDIES, "run.ts"), "--list"], { encoding: "utf8" });
    for (const name of ["initialization", "symmetry", "batch-norm", "optimizers", "input-normalization"])
      expect(out).toContain(name);
  });
});
