/**
 * float32 matmul side by side: Axon (1 and 2 threads), TF.js (wasm, cpu), jax-js (wasm) and
 * onnxruntime-node (1 and 2 threads), every size and transpose layout, interleaved.
 *
 *   pnpm --filter @axon/bench matmul [--quick] [--append]
 */
import { appendResults } from "./results.ts";
import { type Engine, axon, interleave, jax, onnx, tfjs } from "./engines.ts";

const quick = process.argv.includes("--quick");
const append = process.argv.includes("--append");

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const engines: Engine[] = [
  axon("axon-1t", 1),
  axon("axon-2t", 2),
  await tfjs("wasm"),
  await tfjs("cpu"),
  await jax(),
  onnx(1),
  onnx(2),
];

const SIZES = quick ? [128, 512] : [128, 256, 512, 1024];
const LAYOUTS: [string, boolean, boolean][] = [
  ["A·B", false, false],
  ["Aᵀ·B", true, false],
  ["A·Bᵀ", false, true],
  ["Aᵀ·Bᵀ", true, true],
];
/** TF.js cpu runs at about 0.5 GFLOP/s: above this size one multiply takes seconds. */
const TFJS_CPU_MAX = 256;

const header = ["size", "layout", ...engines.map((e) => e.name)];
const rows: string[][] = [];
const gflops = new Map<string, number>();

// Per size, every engine and layout in the same interleaved rounds, so that layouts are compared
// under the same load too.
for (const n of SIZES) {
  const flop = 2 * n * n * n;
  const reps = Math.max(1, Math.round(2e8 / flop));
  const rounds = quick ? 5 : n >= 1024 ? 7 : 11;
  const a = random(n * n, n + 1);
  const b = random(n * n, n + 2);
  const active = engines.filter((e) => !(e.name === "tfjs-cpu" && n > TFJS_CPU_MAX));
  const runs = [];
  const keys: string[] = [];
  for (const [label, ta, tb] of LAYOUTS)
    for (const e of active) {
      runs.push({ engine: e, run: await e.matmul(a, [n, n], b, [n, n], ta, tb) });
      keys.push(`${e.name}|${n}|${label}`);
    }
  const ms = await interleave(runs, reps, rounds);
  for (let i = 0; i < keys.length; i++) gflops.set(keys[i], flop / ms[i] / 1e6);
  for (const [label] of LAYOUTS) {
    const row = [String(n), label];
    for (const e of engines) {
      const g = gflops.get(`${e.name}|${n}|${label}`);
      row.push(g === undefined ? "—" : g.toFixed(1));
    }
    rows.push(row);
    console.log(row.join("\t"));
  }
}

// Batched and broadcast forms (no transposes), Axon against the peers that take them.
const BATCHED: [number[], number[]][] = quick
  ? [
      [
        [32, 64, 64],
        [32, 64, 64],
      ],
    ]
  : [
      [
        [32, 64, 64],
        [32, 64, 64],
      ],
      [
        [8, 256, 256],
        [256, 256],
      ],
    ];
for (const [as, bs] of BATCHED) {
  const count = as[0];
  const [m, k] = as.slice(-2);
  const nn = bs[bs.length - 1];
  const flop = 2 * count * m * k * nn;
  const a = random(
    as.reduce((x, y) => x * y),
    5,
  );
  const b = random(
    bs.reduce((x, y) => x * y),
    6,
  );
  const active = engines.filter((e) => e.name !== "tfjs-cpu");
  const runs = [];
  for (const e of active) runs.push({ engine: e, run: await e.matmul(a, as, b, bs, false, false) });
  const ms = await interleave(runs, Math.max(1, Math.round(2e8 / flop)), quick ? 5 : 9);
  const row = [`[${as}]·[${bs}]`, "batched"];
  for (const e of engines) {
    const i = active.indexOf(e);
    row.push(i < 0 ? "—" : (flop / ms[i] / 1e6).toFixed(1));
  }
  rows.push(row);
  console.log(row.join("\t"));
}

const table = [
  `| ${header.join(" | ")} |`,
  `| ${header.map(() => "---").join(" | ")} |`,
  ...rows.map((r) => `| ${r.join(" | ")} |`),
].join("\n");

// Ratios and layout spread.
const ratioLines: string[] = [];
for (const n of SIZES) {
  const g = (e: string, l: string) => gflops.get(`${e}|${n}|${l}`) ?? Number.NaN;
  const ab = g("axon-1t", "A·B");
  const worst = Math.min(...LAYOUTS.map(([l]) => g("axon-1t", l)));
  const best = (e: string) => Math.max(...LAYOUTS.map(([l]) => g(e, l)));
  const min = (e: string) => Math.min(...LAYOUTS.map(([l]) => g(e, l)));
  ratioLines.push(
    `| ${n} | ${(100 * (ab / worst - 1)).toFixed(0)} % | ${(min("axon-1t") / best("tfjs-wasm")).toFixed(2)} | ${(
      min("axon-1t") / best("jax-js")
    ).toFixed(
      2,
    )} | ${(min("axon-2t") / best("onnxruntime-2t")).toFixed(2)} | ${(min("axon-2t") / min("axon-1t")).toFixed(2)} |`,
  );
}
const ratios = [
  "| size | Axon 1t: time of the slowest layout over A·B, minus 1 | Axon-1t slowest layout ÷ TF.js-wasm best | ÷ jax-js best | Axon-2t slowest ÷ onnxruntime-2t best | Axon 2t ÷ 1t (slowest layouts) |",
  "| --- | --- | --- | --- | --- | --- |",
  ...ratioLines,
].join("\n");

console.log(`\nGFLOP/s (median of interleaved rounds)\n${table}\n\n${ratios}`);
if (append)
  await appendResults(
    "matmul (float32), GFLOP/s",
    "pnpm --filter @axon/bench matmul",
    `${table}\n\n${ratios}`,
  );
process.exit(0);
