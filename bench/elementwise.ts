/**
 * Elementwise kernels and reductions side by side (float32), and Axon's kernels against a plain copy
 * of the same bytes.
 *
 *   pnpm --filter @axon/bench elementwise [--quick] [--append]
 *   pnpm --filter @axon/bench elementwise --moved [--quick]   (comparisons, where, cast, movement, pooling)
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

type Case = {
  label: string;
  make: (e: Engine) => Promise<() => unknown>;
  kernel: (b: CpuBackend) => () => void;
};

const x = random(N, -5, 5);
const pos = random(N, 0.01, 100);
const y = random(N, -5, 5);
const shape = [N];

if (process.argv.includes("--moved")) {
  await movedKernels();
  process.exit(0);
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

/**
 * The kernels that moved from JavaScript to WebAssembly (comparisons, where, cast, transpose,
 * broadcastTo, pooling), timed alone through `backend.run` on one and two threads, next to the
 * JavaScript reference kernels (a backend with `simd: false`) and a copy of the same bytes.
 */
async function movedKernels(): Promise<void> {
  type Dt = "float32" | "float64" | "int32" | "bool";
  interface Input {
    readonly values: ArrayLike<number>;
    readonly shape: number[];
    readonly dtype: Dt;
  }
  interface MovedCase {
    readonly label: string;
    readonly prim: PrimName;
    readonly inputs: Input[];
    readonly attrs: object;
    readonly out: { shape: number[]; dtype: Dt };
  }
  const BYTES: Record<Dt, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
  const count = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const f32 = (values: ArrayLike<number>, shape: number[]): Input => ({ values, shape, dtype: "float32" });
  const mask = Uint8Array.from(x, (v) => (v > 0 ? 1 : 0));
  // Every third element equal, the others not.
  const ties = Float32Array.from(x, (v, i) => (i % 3 === 0 ? v : v + 1));
  const img = [64, 28, 28, 16];
  const imgX = random(count(img), -5, 5);
  const pooled = [64, 14, 14, 16];
  const pool2 = {
    filterSize: [2, 2],
    strides: [2, 2],
    padding: [
      [0, 0],
      [0, 0],
    ],
  };
  const pool3 = {
    filterSize: [3, 3],
    strides: [1, 1],
    padding: [
      [1, 1],
      [1, 1],
    ],
  };
  const cases: MovedCase[] = [
    {
      label: "greater [2²⁰] > scalar",
      prim: "greater",
      inputs: [f32(x, shape), f32([0], [])],
      attrs: {},
      out: { shape, dtype: "bool" },
    },
    {
      label: "equal [2²⁰] = [2²⁰]",
      prim: "equal",
      inputs: [f32(x, shape), f32(ties, shape)],
      attrs: {},
      out: { shape, dtype: "bool" },
    },
    {
      label: "less [1024,1024] < [1024]",
      prim: "less",
      inputs: [f32(x, [ROWS, N / ROWS]), f32(y.subarray(0, N / ROWS), [N / ROWS])],
      attrs: {},
      out: { shape: [ROWS, N / ROWS], dtype: "bool" },
    },
    {
      label: "greater [128,256] > scalar (MLP)",
      prim: "greater",
      inputs: [f32(x.subarray(0, 128 * 256), [128, 256]), f32([0], [])],
      attrs: {},
      out: { shape: [128, 256], dtype: "bool" },
    },
    {
      label: "where [2²⁰] (bool, [2²⁰], scalar)",
      prim: "where",
      inputs: [{ values: mask, shape, dtype: "bool" }, f32(x, shape), f32([0], [])],
      attrs: {},
      out: { shape, dtype: "float32" },
    },
    {
      label: "where [1024,1024] (bool, [1024], [1024,1024])",
      prim: "where",
      inputs: [
        { values: mask, shape: [ROWS, N / ROWS], dtype: "bool" },
        f32(y.subarray(0, N / ROWS), [N / ROWS]),
        f32(x, [ROWS, N / ROWS]),
      ],
      attrs: {},
      out: { shape: [ROWS, N / ROWS], dtype: "float32" },
    },
    {
      label: "cast bool → float32 [2²⁰]",
      prim: "cast",
      inputs: [{ values: mask, shape, dtype: "bool" }],
      attrs: { dtype: "float32" },
      out: { shape, dtype: "float32" },
    },
    {
      label: "cast float32 → int32 [2²⁰]",
      prim: "cast",
      inputs: [f32(x, shape)],
      attrs: { dtype: "int32" },
      out: { shape, dtype: "int32" },
    },
    {
      label: "cast float64 → float32 [2²⁰]",
      prim: "cast",
      inputs: [{ values: x, shape, dtype: "float64" }],
      attrs: { dtype: "float32" },
      out: { shape, dtype: "float32" },
    },
    {
      label: "broadcastTo [1024] → [1024,1024]",
      prim: "broadcastTo",
      inputs: [f32(y.subarray(0, N / ROWS), [N / ROWS])],
      attrs: { shape: [ROWS, N / ROWS] },
      out: { shape: [ROWS, N / ROWS], dtype: "float32" },
    },
    {
      label: "broadcastTo [1024,1] → [1024,1024]",
      prim: "broadcastTo",
      inputs: [f32(y.subarray(0, ROWS), [ROWS, 1])],
      attrs: { shape: [ROWS, N / ROWS] },
      out: { shape: [ROWS, N / ROWS], dtype: "float32" },
    },
    {
      label: "transpose [1024,1024] → [1,0]",
      prim: "transpose",
      inputs: [f32(x, [ROWS, N / ROWS])],
      attrs: { perm: [1, 0] },
      out: { shape: [N / ROWS, ROWS], dtype: "float32" },
    },
    {
      label: "transpose [64,128,128] → [0,2,1]",
      prim: "transpose",
      inputs: [f32(x, [64, 128, 128])],
      attrs: { perm: [0, 2, 1] },
      out: { shape: [64, 128, 128], dtype: "float32" },
    },
    {
      label: "transpose [64,28,28,16] → [0,3,1,2]",
      prim: "transpose",
      inputs: [f32(imgX, img)],
      attrs: { perm: [0, 3, 1, 2] },
      out: { shape: [64, 16, 28, 28], dtype: "float32" },
    },
    {
      label: "maxPool [64,28,28,16] 2×2/2",
      prim: "maxPool",
      inputs: [f32(imgX, img)],
      attrs: pool2,
      out: { shape: pooled, dtype: "float32" },
    },
    {
      label: "maxPoolBackward [64,28,28,16] 2×2/2",
      prim: "maxPoolBackward",
      inputs: [f32(imgX.subarray(0, count(pooled)), pooled), f32(imgX, img)],
      attrs: pool2,
      out: { shape: img, dtype: "float32" },
    },
    {
      label: "avgPool [64,28,28,16] 2×2/2",
      prim: "avgPool",
      inputs: [f32(imgX, img)],
      attrs: pool2,
      out: { shape: pooled, dtype: "float32" },
    },
    {
      label: "avgPoolBackward [64,28,28,16] 2×2/2",
      prim: "avgPoolBackward",
      inputs: [f32(imgX.subarray(0, count(pooled)), pooled)],
      attrs: { ...pool2, inputShape: img },
      out: { shape: img, dtype: "float32" },
    },
    {
      label: "maxPool [64,28,28,16] 3×3/1 pad 1",
      prim: "maxPool",
      inputs: [f32(imgX, img)],
      attrs: pool3,
      out: { shape: img, dtype: "float32" },
    },
    {
      label: "maxPoolBackward [64,28,28,16] 3×3/1 pad 1",
      prim: "maxPoolBackward",
      inputs: [f32(imgX, img), f32(imgX, img)],
      attrs: pool3,
      out: { shape: img, dtype: "float32" },
    },
    {
      label: "avgPoolBackward [64,28,28,16] 3×3/1 pad 1",
      prim: "avgPoolBackward",
      inputs: [f32(imgX, img)],
      attrs: { ...pool3, inputShape: img },
      out: { shape: img, dtype: "float32" },
    },
  ];
  const one = new CpuBackend({ threads: 1 });
  const two = new CpuBackend({ threads: 2 });
  const js = new CpuBackend({ simd: false });
  await two.ready();
  const prepare = (b: CpuBackend, c: MovedCase) => {
    const infos = c.inputs.map((i) => {
      const data =
        i.dtype === "float64"
          ? Float64Array.from(i.values)
          : i.dtype === "int32"
            ? Int32Array.from(i.values)
            : i.dtype === "bool"
              ? Uint8Array.from(i.values)
              : Float32Array.from(i.values);
      return { buffer: b.write(data, i.dtype), shape: i.shape, dtype: i.dtype };
    });
    return () => {
      const res = b.run(c.prim, infos, c.attrs as never, c.out);
      if (!infos.some((i) => i.buffer === res)) b.free(res);
    };
  };
  const reps = 5;
  const rounds = quick ? 7 : 21;
  const out: string[] = [];
  const copyRt = one.runtime!;
  for (const c of cases) {
    const runs = [one, two, js].map((b) => prepare(b, c));
    const samples = runs.map(() => [] as number[]);
    for (let r = 0; r < rounds + 2; r++)
      runs.forEach((run, i) => {
        const t0 = performance.now();
        for (let k = 0; k < reps; k++) run();
        if (r >= 2) samples[i].push((performance.now() - t0) / reps);
      });
    const [t1, t2, tjs] = samples.map(median);
    const inBytes = c.inputs.reduce((s, i) => s + BYTES[i.dtype] * count(i.shape), 0);
    const bytes = Math.max(inBytes, BYTES[c.out.dtype] * count(c.out.shape));
    const src = copyRt.heap.alloc(bytes);
    const dst = copyRt.heap.alloc(bytes);
    const copy = timeIt(() =>
      new Uint8Array(copyRt.heap.buffer, dst, bytes).set(new Uint8Array(copyRt.heap.buffer, src, bytes)),
    );
    copyRt.heap.free(src);
    copyRt.heap.free(dst);
    const row = `| ${c.label} | ${t1.toFixed(3)} | ${t2.toFixed(3)} | ${tjs.toFixed(3)} | ${copy.toFixed(3)} | ${(t1 / copy).toFixed(2)} |`;
    out.push(row);
    console.log(row);
  }
  const table = [
    "Milliseconds per kernel call through `backend.run` (median of interleaved rounds): the default backend on one and two threads, the JavaScript reference kernels (`simd: false`), and a copy of the larger of input and output bytes:",
    "",
    "| kernel | axon 1t | axon 2t | JS kernel | copy | 1t ÷ copy |",
    "| --- | --- | --- | --- | --- | --- |",
    ...out,
  ].join("\n");
  console.log(`\n${table}`);
  if (append)
    await appendResults(
      "moved kernels (comparisons, where, cast, movement, pooling)",
      "pnpm --filter @axon/bench elementwise --moved",
      table,
    );
}
