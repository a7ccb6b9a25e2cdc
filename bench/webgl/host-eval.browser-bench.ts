// Host evaluation on WebGL: small-tensor work with host evaluation on (the default, 64 elements)
// and off (every primitive draws), in headless Chromium. Run on demand (see ./README.md):
//   npx vitest run --config bench/webgl/vitest.config.ts host-eval
// The WebGL backend and the optimizers are imported by their entry files (the same modules as
// `@axon/backend-webgl` and `@axon/optim`).
import { valueAndGrad } from "@axon/autograd";
import { registerCpuBackend } from "@axon/backend-cpu";
import * as ax from "@axon/core";
import { expect, it } from "vitest";
import { WebGLBackend } from "../../packages/backend-webgl/src/index.ts";
import { Adam } from "../../packages/optim/src/index.ts";
import { appendBenchResults } from "./results.ts";

const MIN_SAMPLES = 5;
const MAX_SAMPLES = 30;
const BUDGET_MS = 1500;
/** A sample runs enough calls to last this long: the browser's clock ticks in 0.1 ms steps. */
const SAMPLE_MS = 20;

/** Median milliseconds per call of `fn` (after two warm-up calls). */
function time(fn: () => void): number {
  fn();
  const t0 = performance.now();
  fn();
  const reps = Math.max(1, Math.ceil(SAMPLE_MS / Math.max(performance.now() - t0, 0.05)));
  const samples: number[] = [];
  let total = 0;
  while (samples.length < MIN_SAMPLES || (total < BUDGET_MS && samples.length < MAX_SAMPLES)) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) fn();
    const dt = performance.now() - start;
    samples.push(dt / reps);
    total += dt;
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return data;
}

/** What one call costs the backend: draws, host runs, uploads, readbacks. */
function perCall(b: WebGLBackend, fn: () => void, calls = 5): Record<string, number> {
  const keys = ["draws", "hostRuns", "uploads", "readbacks"] as const;
  const before = { ...b.gpgpu.stats };
  for (let i = 0; i < calls; i++) fn();
  return Object.fromEntries(keys.map((k) => [k, (b.gpgpu.stats[k] - before[k]) / calls]));
}

// ---------------------------------------------------------------- training steps

interface Mlp {
  readonly name: string;
  readonly layers: readonly number[];
  readonly batch: number;
}

const MLPS: readonly Mlp[] = [
  // every tensor of the step is at most 64 elements: the whole step can run on the host
  { name: "tiny MLP 2→8→8→1, batch 8 (MSE, Adam)", layers: [2, 8, 8, 1], batch: 8 },
  // only the biases, the loss and Adam's scalars are small
  { name: "MLP 64→128→10, batch 32 (softmax cross-entropy, Adam)", layers: [64, 128, 10], batch: 32 },
];

/** A training step of `mlp` on the active backend: forward, gradients, Adam, the loss read back. */
function trainer(mlp: Mlp): { step: () => number; dispose: () => void } {
  const { layers, batch } = mlp;
  const params = layers.slice(1).map((out, k) => ({
    w: new ax.Parameter(
      ax.tidy(() =>
        ax.mul(
          ax.makeTensor(values(layers[k] * out, 11 + k), [layers[k], out], "float32"),
          Math.sqrt(2 / layers[k]),
        ),
      ),
    ),
    b: new ax.Parameter(ax.zeros([out])),
  }));
  const x = ax.keep(ax.makeTensor(values(batch * layers[0], 7), [batch, layers[0]], "float32"));
  const classes = layers[layers.length - 1];
  const labels = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) labels[i * classes + (i % classes)] = classes === 1 ? 0.5 : 1;
  const y = ax.keep(ax.makeTensor(labels, [batch, classes], "float32"));
  const adam = new Adam({ lr: 1e-2 });
  const loss = () => {
    let h = x;
    params.forEach((p, k) => {
      h = ax.add(ax.matmul(h, p.w.value), p.b.value);
      if (k < params.length - 1) h = ax.relu(h);
    });
    if (classes === 1) return ax.mean(ax.square(ax.sub(h, y)));
    return ax.neg(ax.mean(ax.sum(ax.mul(y, ax.logSoftmax(h, -1)), [1])));
  };
  return {
    step: () =>
      ax.tidy(() => {
        const [value, grads] = valueAndGrad(loss, params)();
        adam.step(params, grads);
        return value.dataSync()[0];
      }),
    dispose: () => {
      for (const p of params) {
        p.w.dispose();
        p.b.dispose();
      }
      x.dispose();
      y.dispose();
    },
  };
}

// ---------------------------------------------------------------- single ops by size

const SIZES = [1, 16, 64, 256, 1024, 4096];

const OPS: readonly { name: string; run: (x: ax.Tensor) => ax.Tensor }[] = [
  {
    // the 8-op chain of webgl-vs-cpu: tanh(x·0.7 + 0.1)·sigmoid(x) + exp(−x²) − 0.5
    name: "8 elementwise ops",
    run: (x) =>
      ax.sub(
        ax.add(ax.mul(ax.tanh(ax.add(ax.mul(x, 0.7), 0.1)), ax.sigmoid(x)), ax.exp(ax.neg(ax.square(x)))),
        0.5,
      ),
  },
  { name: "sum", run: (x) => ax.sum(x) },
];

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(3));

it("host evaluation on WebGL", async () => {
  registerCpuBackend(1);
  const backends = {
    webgl: new WebGLBackend(),
    "webgl-gpu": new WebGLBackend({ hostEvalMax: 0 }),
    "webgl-host4096": new WebGLBackend({ hostEvalMax: 4096 }),
  };
  for (const [name, b] of Object.entries(backends)) ax.registerBackend(name, () => b, { priority: 0 });
  await ax.setBackend("webgl");
  const renderer = String(backends.webgl.info().renderer);
  const rows: string[] = [];

  // Training steps: host evaluation on (64) and off (0), and the CPU backend for scale.
  rows.push(
    "| training step | WebGL, host evaluation on: ms | off: ms | speed-up | draws on / off | host runs on | uploads on / off | readbacks on / off | CPU backend ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const mlp of MLPS) {
    const result: Record<string, { ms: number; work?: Record<string, number>; first: number }> = {};
    for (const name of ["webgl", "webgl-gpu", "cpu"]) {
      await ax.setBackend(name);
      // The first step from the same initial values, to check that both paths agree.
      const fresh = trainer(mlp);
      const first = fresh.step();
      fresh.dispose();
      const t = trainer(mlp);
      const ms = time(t.step);
      const b = name === "cpu" ? null : backends[name as "webgl" | "webgl-gpu"];
      result[name] = { ms, work: b ? perCall(b, t.step) : undefined, first };
      t.dispose();
    }
    const on = result.webgl;
    const off = result["webgl-gpu"];
    expect(Math.abs(on.first - off.first), `${mlp.name}: first loss`).toBeLessThanOrEqual(
      1e-5 + 1e-4 * Math.abs(off.first),
    );
    const w = (k: string) => `${on.work?.[k]} / ${off.work?.[k]}`;
    rows.push(
      `| ${mlp.name} | ${fmt(on.ms)} | ${fmt(off.ms)} | ${(off.ms / on.ms).toFixed(2)}× | ${w("draws")} | ${on.work?.hostRuns} | ${w("uploads")} | ${w("readbacks")} | ${fmt(result.cpu.ms)} |`,
    );
    console.log(rows[rows.length - 1]);
  }

  // Single ops by size: the host kernels (limit raised to 4096) against the GPU kernels.
  rows.push(
    "",
    "| op on n host elements, result read | n | host kernels ms | GPU kernels ms | GPU ÷ host |",
    "| --- | ---: | ---: | ---: | ---: |",
  );
  for (const op of OPS) {
    for (const n of SIZES) {
      const x = ax.keep(ax.makeTensor(values(n, 3), [n], "float32"));
      const call = () =>
        ax.tidy(() => {
          op.run(x).dataSync();
        });
      await ax.setBackend("webgl-host4096");
      const host = time(call);
      await ax.setBackend("webgl-gpu");
      const gpu = time(call);
      x.dispose();
      rows.push(`| ${op.name} | ${n} | ${fmt(host)} | ${fmt(gpu)} | ${(gpu / host).toFixed(1)}× |`);
      console.log(rows[rows.length - 1]);
    }
  }

  await ax.setBackend("webgl");
  const table = [
    ...rows,
    "",
    `Milliseconds per call: the median of ${MIN_SAMPLES}–${MAX_SAMPLES} samples of at least ${SAMPLE_MS} ms (about ${BUDGET_MS / 1000} s per row and backend) after two warm-up calls. A training step is forward, gradients, an Adam update and the loss read back (\`dataSync\`), inside one \`tidy\`; draws, host runs (primitives evaluated in JavaScript), uploads and readbacks are per step. "on" is the default backend (hostEvalMax 64), "off" is hostEvalMax 0; the first step's loss agrees between them within the float32 tolerance (checked). The single-op rows read the result each call, as host code that looks at a value does; their host column raises hostEvalMax to 4096 to show where JavaScript stops winning.`,
  ].join("\n");
  const where = await appendBenchResults(table, renderer, "Host evaluation on WebGL", "host-eval");
  console.log(`written to ${where}`);
});
