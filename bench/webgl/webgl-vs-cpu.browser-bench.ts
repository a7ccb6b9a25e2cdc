// WebGL vs CPU, both in the same headless Chromium page. Run on demand (see ./README.md):
//   npx vitest run --config bench/webgl/vitest.config.ts
// `@axon/core` and `@axon/backend-cpu` come from bench/package.json; the WebGL backend is imported
// by its entry file (the same module as `@axon/backend-webgl`).
import * as ax from "@axon/core";
import { registerCpuBackend } from "@axon/backend-cpu";
import { expect, inject, it } from "vitest";
import { type WebGLBackend, registerWebGLBackend } from "../../packages/backend-webgl/src/index.ts";
import { appendBenchResults } from "./results.ts";

declare module "vitest" {
  interface ProvidedContext {
    benchOnly: string;
  }
}

interface Case {
  readonly name: string;
  /** Input shapes (float32, filled from a fixed generator on the host). */
  readonly inputs: readonly (readonly number[])[];
  readonly run: (...xs: ax.Tensor[]) => ax.Tensor;
  /** Floating-point operations of one call, for GFLOP/s (multiply-adds count 2). */
  readonly flops?: number;
  /** Read the whole result each call instead of forcing completion with a one-element read. */
  readonly fullRead?: boolean;
}

const mm = (n: number): Case => ({
  name: `matmul ${n}×${n} · ${n}×${n}`,
  inputs: [
    [n, n],
    [n, n],
  ],
  run: (a, b) => ax.matmul(a, b),
  flops: 2 * n * n * n,
});

// A small CNN's second layer: batch 8 of 28×28×16 → 32 channels, 3×3, 'same'.
const CONV = { n: 8, h: 28, w: 28, c: 16, o: 32, k: 3 };

const CASES: readonly Case[] = [
  mm(128),
  mm(256),
  mm(512),
  {
    name: `conv2d ${CONV.n}×${CONV.h}×${CONV.w}×${CONV.c} ⊛ ${CONV.k}×${CONV.k}×${CONV.c}×${CONV.o}, same`,
    inputs: [
      [CONV.n, CONV.h, CONV.w, CONV.c],
      [CONV.k, CONV.k, CONV.c, CONV.o],
    ],
    run: (x, f) => ax.conv2d(x, f, { padding: "same" }),
    flops: 2 * CONV.n * CONV.h * CONV.w * CONV.o * CONV.k * CONV.k * CONV.c,
  },
  {
    // 8 elementwise ops on 2^20 elements: gelu-like tanh(x·a + b)·sigmoid(x) + exp(−x²) − 0.5
    name: "elementwise chain (8 ops) on 1024×1024",
    inputs: [[1024, 1024]],
    run: (x) =>
      ax.sub(
        ax.add(ax.mul(ax.tanh(ax.add(ax.mul(x, 0.7), 0.1)), ax.sigmoid(x)), ax.exp(ax.neg(ax.square(x)))),
        0.5,
      ),
  },
  {
    name: "sum of 1024×1024 (full reduction)",
    inputs: [[1024, 1024]],
    run: (x) => ax.sum(x),
  },
  {
    name: "sum of 1024×1024 over rows (axis 1)",
    inputs: [[1024, 1024]],
    run: (x) => ax.sum(x, [1]),
  },
  {
    name: "readback of 1024×1024 (dataSync of an op's result)",
    inputs: [[1024, 1024]],
    run: (x) => ax.neg(x),
    fullRead: true,
  },
];

/** Deterministic inputs in [-1, 1), the same on both backends. */
function input(shape: readonly number[], seed: number): ax.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return ax.makeTensor(data, [...shape], "float32");
}

/** One call, finished: the GPU runs asynchronously, so a (one-element) read waits for it. */
function call(c: Case, xs: ax.Tensor[]): void {
  ax.tidy(() => {
    const y = c.run(...xs);
    if (c.fullRead) y.dataSync();
    else ax.slice(ax.reshape(y, [y.size]), [0], [1]).dataSync();
  });
}

interface Timing {
  /** Median milliseconds per call. */
  ms: number;
  calls: number;
  result: Float32Array;
}

const MIN_SAMPLES = 5;
const MAX_SAMPLES = 40;
const BUDGET_MS = 2000;
/** A sample runs enough calls to last this long: the browser's clock ticks in 0.1 ms steps. */
const SAMPLE_MS = 20;

function time(c: Case): Timing {
  const xs = c.inputs.map((s, i) => input(s, 17 + i));
  try {
    // Warm-up: shader compilation, texture allocation, the first upload of the inputs.
    call(c, xs);
    const t0 = performance.now();
    call(c, xs);
    const reps = Math.max(1, Math.ceil(SAMPLE_MS / Math.max(performance.now() - t0, 0.05)));
    const samples: number[] = [];
    let total = 0;
    while (samples.length < MIN_SAMPLES || (total < BUDGET_MS && samples.length < MAX_SAMPLES)) {
      const start = performance.now();
      for (let r = 0; r < reps; r++) call(c, xs);
      const dt = performance.now() - start;
      samples.push(dt / reps);
      total += dt;
    }
    samples.sort((a, b) => a - b);
    const result = ax.tidy(() => Float32Array.from(c.run(...xs).dataSync() as Float32Array));
    return { ms: samples[samples.length >> 1], calls: samples.length * reps, result };
  } finally {
    for (const x of xs) x.dispose();
  }
}

/** Largest |webgl − cpu| relative to the largest |cpu|. */
function relativeDiff(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const gflops = (c: Case, ms: number) => (c.flops ? (c.flops / ms / 1e6).toFixed(2) : "");

it("WebGL vs CPU", async () => {
  registerCpuBackend(1);
  registerWebGLBackend(0);
  await ax.setBackend("webgl");
  const gl = ax.getBackend() as WebGLBackend;
  const renderer = String(gl.info().renderer);

  const rows = [
    "| case | CPU ms | WebGL ms | WebGL speed-up | CPU GFLOP/s | WebGL GFLOP/s | max rel. diff |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const webglOnly = inject("benchOnly") === "webgl";
  for (const c of CASES) {
    await ax.setBackend("webgl");
    const web = time(c);
    if (webglOnly) {
      console.log(`| ${c.name} | WebGL ${fmt(web.ms)} ms | ${gflops(c, web.ms)} GFLOP/s |`);
      continue;
    }
    await ax.setBackend("cpu");
    const cpu = time(c);
    const diff = relativeDiff(web.result, cpu.result);
    // Same inputs, float32 on both: the GPU's accumulation order and ulps only.
    expect(diff, c.name).toBeLessThan(1e-4);
    rows.push(
      `| ${c.name} | ${fmt(cpu.ms)} | ${fmt(web.ms)} | ${(cpu.ms / web.ms).toFixed(2)}× | ${gflops(c, cpu.ms)} | ${gflops(c, web.ms)} | ${diff.toExponential(1)} |`,
    );
    console.log(rows[rows.length - 1]);
  }
  if (webglOnly) return;
  const table = [
    ...rows,
    "",
    `Milliseconds per call: the median of ${MIN_SAMPLES}–${MAX_SAMPLES} samples of at least ${SAMPLE_MS} ms each (about ${BUDGET_MS / 1000} s per case and backend) after two warm-up calls. Each call ends with a one-element read (the readback row reads the whole 4 MiB result), so GPU times include finishing the work. Inputs are float32 in [−1, 1); "max rel. diff" compares the WebGL result with the CPU's.`,
  ].join("\n");
  const where = await appendBenchResults(table, renderer, "WebGL vs CPU", "webgl-vs-cpu");
  console.log(`written to ${where}`);
});
