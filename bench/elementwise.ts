/**
 * Elementwise kernels and reductions side by side (float32), and Axon's kernels against a plain copy
 * of the same bytes.
 *
 *   pnpm --filter @axon/bench elementwise [--quick] [--append]
 */
import { CpuBackend } from "@axon/backend-cpu";
import type { PrimName } from "@axon/core";
import { type Engine, type UnaryOp, axon, interleave, jax, median, onnx, tfjs } from "./engines.ts";
import { appendResults } from "./results.ts";

const quick = process.argv.includes("--quick");
const append = process.argv.includes("--append");
const N = 1 << 20;
const ROWS = 1024;

function random(n: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 2 ** 32;
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

type Case = {
  label: string;
  make: (e: Engine) => Promise<() => unknown>;
  kernel: (b: CpuBackend) => () => void;
};

const x = random(N, -5, 5);
const pos = random(N, 0.01, 100);
const y = random(N, -5, 5);
const shape = [N];

function kernelOnly(
  prim: PrimName,
  inputs: Float32Array[],
  shapes: number[][],
  attrs: object,
  out: number[],
) {
  return (b: CpuBackend) => {
    const bufs = inputs.map((v) => b.write(v, "float32"));
    const infos = bufs.map((buffer, i) => ({ buffer, shape: shapes[i], dtype: "float32" as const }));
    return () => b.free(b.run(prim, infos, attrs as never, { shape: out, dtype: "float32" }));
  };
}

const UNARY: UnaryOp[] = ["neg", "exp", "log", "tanh", "sigmoid", "erf"];
const cases: Case[] = [
  ...UNARY.map(
    (op): Case => ({
      label: `${op} [2²⁰]`,
      make: (e) => e.unary(op, op === "log" ? pos : x, shape),
      kernel: kernelOnly(op, [op === "log" ? pos : x], [shape], {}, shape),
    }),
  ),
  {
    label: "add [2²⁰] + [2²⁰]",
    make: (e) => e.add(x, shape, y, shape),
    kernel: kernelOnly("add", [x, y], [shape, shape], {}, shape),
  },
  {
    label: "add [1024,1024] + [1024]",
    make: (e) => e.add(x, [ROWS, N / ROWS], y.subarray(0, N / ROWS), [N / ROWS]),
    kernel: kernelOnly("add", [x, y.subarray(0, N / ROWS)], [[ROWS, N / ROWS], [N / ROWS]], {}, [
      ROWS,
      N / ROWS,
    ]),
  },
  {
    label: "sum all [2²⁰]",
    make: (e) => e.sum(x, shape, [0]),
    kernel: kernelOnly("sum", [x], [shape], { axes: [0] }, []),
  },
  {
    label: "sum rows [1024,1024] → [1024]",
    make: (e) => e.sum(x, [ROWS, N / ROWS], [1]),
    kernel: kernelOnly("sum", [x], [[ROWS, N / ROWS]], { axes: [1] }, [ROWS]),
  },
  {
    label: "sum cols [1024,1024] → [1024]",
    make: (e) => e.sum(x, [ROWS, N / ROWS], [0]),
    kernel: kernelOnly("sum", [x], [[ROWS, N / ROWS]], { axes: [0] }, [N / ROWS]),
  },
];

const rows: string[][] = [];
for (const c of cases) {
  const runs = [];
  const active: Engine[] = [];
  for (const e of engines) {
    try {
      runs.push({ engine: e, run: await c.make(e) });
      active.push(e);
    } catch {
      // an engine without this form (reported as —)
    }
  }
  const ms = await interleave(runs, 5, quick ? 5 : 11);
  const row = [c.label, ...engines.map((e) => (active.includes(e) ? ms[active.indexOf(e)].toFixed(3) : "—"))];
  rows.push(row);
  console.log(row.join("\t"));
}

// Axon's kernels alone (no read-back) against copying the same bytes between two heap blocks.
const backend = new CpuBackend({ threads: 1 });
const backend2 = new CpuBackend({ threads: 2 });
await backend2.ready();
const rt = backend.runtime!;
function copyTime(inBytes: number, outBytes: number): number {
  // Reading inBytes and writing outBytes: a copy of the larger side, the same traffic as a streaming kernel.
  const bytes = Math.max(inBytes, outBytes);
  const src = rt.heap.alloc(bytes);
  const dst = rt.heap.alloc(bytes);
  const s = new Uint8Array(rt.heap.buffer, src, bytes);
  const d = new Uint8Array(rt.heap.buffer, dst, bytes);
  const t: number[] = [];
  for (let r = 0; r < 30; r++) {
    const t0 = performance.now();
    for (let k = 0; k < 5; k++) d.set(s);
    t.push((performance.now() - t0) / 5);
  }
  rt.heap.free(src);
  rt.heap.free(dst);
  return median(t);
}
function timeIt(f: () => void): number {
  const t: number[] = [];
  for (let r = 0; r < 30; r++) {
    const t0 = performance.now();
    for (let k = 0; k < 5; k++) f();
    t.push((performance.now() - t0) / 5);
  }
  return median(t);
}
const kernelRows: string[] = [];
for (const c of cases) {
  const k1 = timeIt(c.kernel(backend));
  const k2 = timeIt(c.kernel(backend2));
  const inputs = c.label.startsWith("add [2") ? 2 : 1;
  const outBytes = c.label.startsWith("sum") ? 4096 : 4 * N;
  const copy = copyTime(inputs * 4 * N, outBytes);
  kernelRows.push(
    `| ${c.label} | ${k1.toFixed(3)} | ${k2.toFixed(3)} | ${copy.toFixed(3)} | ${(k1 / copy).toFixed(2)} | ${(k2 / copy).toFixed(2)} |`,
  );
}

const header = ["operation", ...engines.map((e) => e.name)];
const table = [
  "Milliseconds per operation until the result is computed (median of interleaved rounds; no read-back):",
  "",
  `| ${header.join(" | ")} |`,
  `| ${header.map(() => "---").join(" | ")} |`,
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
  "Axon's kernel alone (no read-back) against copying the same number of bytes between two heap blocks (TypedArray.set, one thread):",
  "",
  "| operation | kernel 1t (ms) | kernel 2t (ms) | copy (ms) | 1t ÷ copy | 2t ÷ copy |",
  "| --- | --- | --- | --- | --- | --- |",
  ...kernelRows,
].join("\n");
console.log(`\n${table}`);
if (append)
  await appendResults("elementwise and reductions (float32)", "pnpm --filter @axon/bench elementwise", table);
process.exit(0);
