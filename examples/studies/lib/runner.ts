// Finding the studies (every `NN-name/study.ts` beside lib/), running them and the index page of a run.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import * as ax from "@axon/axon";
import type { Study, StudyResult, StudySize } from "./study.ts";

const { escapeHtml, htmlPage } = ax.nn.plot;

/** A study and the folder it lives in (`01-initialization`). */
export interface FoundStudy {
  readonly folder: string;
  readonly dir: string;
  readonly study: Study;
}

const FOLDER = /^\d\d-[a-z0-9-]+$/;

/** Every `NN-name/study.ts` under `studiesDir` that exports `study`, in folder order. */
export async function discoverStudies(studiesDir: string): Promise<FoundStudy[]> {
  const found: FoundStudy[] = [];
  for (const folder of readdirSync(studiesDir).sort()) {
    const dir = join(studiesDir, folder);
    const file = join(dir, "study.ts");
    if (!FOLDER.test(folder) || !statSync(dir).isDirectory() || !existsSync(file)) continue;
    const module = (await import(pathToFileURL(file).href)) as { study?: Study };
    const study = module.study;
    if (!study || typeof study.run !== "function" || typeof study.name !== "string")
      throw new Error(
        `discoverStudies: ${folder}/study.ts must export \`study\` (a Study), got ${typeof study}`,
      );
    found.push({ folder, dir, study });
  }
  const names = new Set<string>();
  for (const f of found) {
    if (names.has(f.study.name)) throw new Error(`discoverStudies: two studies are named '${f.study.name}'`);
    names.add(f.study.name);
  }
  return found;
}

/** What one run of a study gave: its result, or the error that stopped it. */
export interface StudyRun {
  readonly found: FoundStudy;
  readonly outDir: string;
  readonly seconds: number;
  readonly result?: StudyResult;
  readonly error?: string;
}

export interface RunOptions {
  readonly size: StudySize;
  readonly seed: number;
  /** The study writes into `outDir`. */
  readonly outDir: string;
  readonly log?: (line: string) => void;
  /** Copy `figure.svg` into the study's folder (the picture the studies README shows). */
  readonly copyFigure?: boolean;
}

/** Runs one study, timing it; an error is caught and recorded so that `all` goes on with the next. */
export async function runStudy(found: FoundStudy, o: RunOptions): Promise<StudyRun> {
  const started = performance.now();
  mkdirSync(o.outDir, { recursive: true });
  try {
    const result = await found.study.run({ size: o.size, outDir: o.outDir, seed: o.seed, log: o.log });
    if (o.copyFigure && result.files.includes("figure.svg"))
      copyFileSync(join(o.outDir, "figure.svg"), join(found.dir, "figure.svg"));
    return { found, outDir: o.outDir, seconds: (performance.now() - started) / 1000, result };
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    return { found, outDir: o.outDir, seconds: (performance.now() - started) / 1000, error };
  }
}

/** `index.html` in `root`: every study run with its claim, its picture and a link to its report. */
export function writeIndex(root: string, runs: readonly StudyRun[], size: StudySize, seed: number): string {
  mkdirSync(root, { recursive: true });
  const sections = runs.map((r) => {
    const { study } = r.found;
    const rel = (file: string) => relative(root, join(r.outDir, file)).split("\\").join("/");
    const head = `<h2>${escapeHtml(r.found.folder)}: ${escapeHtml(study.title)}</h2>\n<p><b>Claim.</b> ${escapeHtml(study.claim)}</p>`;
    if (r.error)
      return `${head}\n<p><b>Failed</b> after ${r.seconds.toFixed(1)} s:</p>\n<pre>${escapeHtml(r.error)}</pre>`;
    const files = r.result?.files ?? [];
    const picture = files[0]?.endsWith(".svg")
      ? `<p><a href="${escapeHtml(rel("report.html"))}"><img src="${escapeHtml(rel(files[0]))}" alt="${escapeHtml(study.title)}" style="max-width:100%"></a></p>`
      : "";
    const links = files.map((f) => `<a href="${escapeHtml(rel(f))}">${escapeHtml(f)}</a>`).join(" · ");
    return `${head}\n${picture}\n<p>${links} — ${r.seconds.toFixed(1)} s</p>`;
  });
  const page = htmlPage(
    "Axon studies",
    `<p>${runs.length} studies at ${size} size, seed ${seed}. Run one with <code>pnpm study &lt;name&gt;</code>.</p>\n${sections.join("\n")}`,
  );
  const file = join(root, "index.html");
  writeFileSync(file, page);
  return file;
}
