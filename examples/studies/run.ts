// Runs the studies: `pnpm study <name>` (one, full size), `pnpm study all`, `pnpm study --list`.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as ax from "@axon/axon";
import { type FoundStudy, type StudyRun, discoverStudies, runStudy, writeIndex } from "./lib/runner.ts";

const HELP = `Run the studies: classic deep-learning experiments, each with a claim, a picture and a summary.

  pnpm study <name>        run one study at full size (a few minutes on two cores)
  pnpm study all           run every study and write runs/studies/index.html
  pnpm study --list        the studies: name, title, full size

  --toy                    the toy size (seconds; what the tests run)
  --seed N                 seeds every random choice (default 0)
  --out DIR                where the report goes (default runs/studies/<name>; with all: DIR/<name> and DIR/index.html)
  --copy-figures           copy each figure.svg into its study folder (the pictures the studies README shows)
`;

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    toy: { type: "boolean", default: false },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
    list: { type: "boolean", default: false },
    "copy-figures": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

function fail(message: string): never {
  console.error(`study: ${message}\n\n${HELP}`);
  process.exit(2);
}

if (args.help) {
  console.log(HELP);
  process.exit(0);
}
const seed = Number(args.seed);
if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got ${args.seed}`);
const size = args.toy ? "toy" : "full";

const studies = await discoverStudies(dirname(fileURLToPath(import.meta.url)));
if (args.list) {
  for (const { folder, study } of studies)
    console.log(
      `${study.name.padEnd(24)} ${folder}: ${study.title}\n${" ".repeat(25)}full size: ${study.fullSize}`,
    );
  process.exit(0);
}
if (positionals.length !== 1)
  fail(`give one study name, 'all' or --list, got ${positionals.length ? positionals.join(" ") : "nothing"}`);
const name = positionals[0];
let chosen: FoundStudy[];
if (name === "all") chosen = studies;
else {
  const one = studies.find((s) => s.study.name === name || s.folder === name);
  if (!one) fail(`unknown study '${name}'; the studies are: ${studies.map((s) => s.study.name).join(", ")}`);
  chosen = [one];
}

await ax.setBackend("cpu");
const root = name === "all" ? (args.out ?? join("runs", "studies")) : join("runs", "studies");
const runs: StudyRun[] = [];
for (const found of chosen) {
  const outDir = name === "all" ? join(root, found.study.name) : (args.out ?? join(root, found.study.name));
  console.log(`== ${found.folder}: ${found.study.title} (${size} size, seed ${seed}) → ${outDir}`);
  const run = await runStudy(found, {
    size,
    seed,
    outDir,
    copyFigure: args["copy-figures"],
    log: (line) => console.log(`  ${line}`),
  });
  runs.push(run);
  if (run.error) console.error(`  failed after ${run.seconds.toFixed(1)} s:\n${run.error}`);
  else
    console.log(`\n${run.result?.summary}\n(${run.seconds.toFixed(1)} s; ${run.result?.files.join(", ")})\n`);
}
if (name === "all") console.log(`index: ${writeIndex(root, runs, size, seed)}`);
if (runs.some((r) => r.error)) process.exit(1);
