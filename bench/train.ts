/**
 * Training steps side by side: the Fashion-MNIST MLP (784-256-BN-128-BN-10, ReLU, Adam, batch 128)
 * and a small CNN (conv 3×3 1→16, ReLU, max-pool 2, conv 3×3 16→32, ReLU, max-pool 2, dense
 * 1568→128, ReLU, dense 128→10; SGD; batch 64), on Axon (eager, 1 and 2 threads) and TF.js (wasm,
 * cpu). Inputs are random (the time of a step does not depend on the values); an epoch is 469 steps
 * of 128 (60,000 images).
 *
 *   pnpm --filter @axon/bench train [--quick] [--append] [--only axon]
 *   pnpm --filter @axon/bench train --profile [--append]   (time per primitive of Axon's steps, one thread)
 */
import * as ag from "@axon/autograd";
import { CpuBackend } from "@axon/backend-cpu";
import * as ax from "@axon/core";
// The union package registers the gradients (tfjs-core alone has none) and the cpu backend.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { median } from "./engines.ts";
import { appendResults } from "./results.ts";

const quick = process.argv.includes("--quick");
const append = process.argv.includes("--append");
const STEPS_PER_EPOCH = Math.ceil(60000 / 128);

function random(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = scale * (s / 2 ** 32 - 0.5);
  }
  return out;
}

function labels(n: number, seed: number): Float32Array {
  const y = new Float32Array(n * 10);
  const r = random(n, seed);
  for (let i = 0; i < n; i++) y[i * 10 + (Math.floor((r[i] + 0.5) * 10) % 10)] = 1;
  return y;
}

// ---------------------------------------------------------------- Axon

interface Step {
  step(): void;
  dispose(): void;
}

function axonMlp(): Step {
  const B = 128;
  const sizes = [784, 256, 128, 10];
  const params: Record<string, ax.Tensor> = {};
  for (let l = 0; l < 3; l++) {
    params[`w${l}`] = ax.keep(
      ax.tensor(random(sizes[l] * sizes[l + 1], l + 1, 2 / Math.sqrt(sizes[l])), [sizes[l], sizes[l + 1]]),
    );
    params[`b${l}`] = ax.keep(ax.zeros([sizes[l + 1]]));
    if (l < 2) {
      params[`g${l}`] = ax.keep(ax.ones([sizes[l + 1]]));
      params[`be${l}`] = ax.keep(ax.zeros([sizes[l + 1]]));
    }
  }
  const m: Record<string, ax.Tensor> = {};
  const v: Record<string, ax.Tensor> = {};
  for (const k of Object.keys(params)) {
    m[k] = ax.keep(ax.zerosLike(params[k]));
    v[k] = ax.keep(ax.zerosLike(params[k]));
  }
  const x = ax.keep(ax.tensor(random(B * 784, 7), [B, 784]));
  const y = ax.keep(ax.tensor(labels(B, 8), [B, 10]));
  const loss = (p: Record<string, ax.Tensor>) => {
    let h = x;
    for (let l = 0; l < 3; l++) {
      h = ax.add(ax.matmul(h, p[`w${l}`]), p[`b${l}`]);
      if (l < 2) {
        const { mean, variance } = ax.moments(h, 0);
        h = ax.add(
          ax.mul(ax.mul(ax.sub(h, mean), ax.rsqrt(ax.add(variance, 1e-5))), p[`g${l}`]),
          p[`be${l}`],
        );
        h = ax.relu(h);
      }
    }
    return ax.neg(ax.mean(ax.sum(ax.mul(ax.logSoftmax(h), y), 1)));
  };
  let t = 0;
  const [b1, b2, lr, eps] = [0.9, 0.999, 1e-3, 1e-7];
  return {
    step() {
      t++;
      ax.tidy(() => {
        const [, g] = ag.valueAndGrad(loss)(params);
        const c1 = 1 - b1 ** t;
        const c2 = 1 - b2 ** t;
        for (const k of Object.keys(params)) {
          const gk = (g as Record<string, ax.Tensor>)[k];
          const mk = ax.add(ax.mul(m[k], b1), ax.mul(gk, 1 - b1));
          const vk = ax.add(ax.mul(v[k], b2), ax.mul(ax.square(gk), 1 - b2));
          const pk = ax.sub(params[k], ax.div(ax.mul(mk, lr / c1), ax.add(ax.sqrt(ax.div(vk, c2)), eps)));
          for (const old of [m[k], v[k], params[k]]) old.dispose();
          m[k] = ax.keep(mk);
          v[k] = ax.keep(vk);
          params[k] = ax.keep(pk);
        }
      });
    },
    dispose() {
      for (const d of [params, m, v]) for (const k of Object.keys(d)) d[k].dispose();
      x.dispose();
      y.dispose();
    },
  };
}

function axonCnn(): Step {
  const B = 64;
  const p: Record<string, ax.Tensor> = {
    k1: ax.keep(ax.tensor(random(3 * 3 * 1 * 16, 1, 0.6), [3, 3, 1, 16])),
    k2: ax.keep(ax.tensor(random(3 * 3 * 16 * 32, 2, 0.2), [3, 3, 16, 32])),
    w3: ax.keep(ax.tensor(random(1568 * 128, 3, 0.05), [1568, 128])),
    w4: ax.keep(ax.tensor(random(128 * 10, 4, 0.2), [128, 10])),
  };
  const x = ax.keep(ax.tensor(random(B * 28 * 28, 5), [B, 28, 28, 1]));
  const y = ax.keep(ax.tensor(labels(B, 6), [B, 10]));
  const loss = (q: Record<string, ax.Tensor>) => {
    let h = ax.relu(ax.conv2d(x, q.k1, { padding: "same" }));
    h = ax.maxPool(h, { filterSize: 2 });
    h = ax.relu(ax.conv2d(h, q.k2, { padding: "same" }));
    h = ax.maxPool(h, { filterSize: 2 });
    h = ax.relu(ax.matmul(ax.reshape(h, [B, 1568]), q.w3));
    const logits = ax.matmul(h, q.w4);
    return ax.neg(ax.mean(ax.sum(ax.mul(ax.logSoftmax(logits), y), 1)));
  };
  return {
    step() {
      ax.tidy(() => {
        const [, g] = ag.valueAndGrad(loss)(p);
        for (const k of Object.keys(p)) {
          const next = ax.sub(p[k], ax.mul((g as Record<string, ax.Tensor>)[k], 0.01));
          p[k].dispose();
          p[k] = ax.keep(next);
        }
      });
    },
    dispose() {
      for (const k of Object.keys(p)) p[k].dispose();
      x.dispose();
      y.dispose();
    },
  };
}

// ---------------------------------------------------------------- TF.js

function tfMlp(): Step {
  const B = 128;
  const sizes = [784, 256, 128, 10];
  const vars: tf.Variable[] = [];
  const w: tf.Variable[] = [];
  const b: tf.Variable[] = [];
  const g: tf.Variable[] = [];
  const be: tf.Variable[] = [];
  for (let l = 0; l < 3; l++) {
    w.push(
      tf.variable(
        tf.tensor(random(sizes[l] * sizes[l + 1], l + 1, 2 / Math.sqrt(sizes[l])), [sizes[l], sizes[l + 1]]),
      ),
    );
    b.push(tf.variable(tf.zeros([sizes[l + 1]])));
    if (l < 2) {
      g.push(tf.variable(tf.ones([sizes[l + 1]])));
      be.push(tf.variable(tf.zeros([sizes[l + 1]])));
    }
  }
  vars.push(...w, ...b, ...g, ...be);
  const x = tf.tensor(random(B * 784, 7), [B, 784]);
  const y = tf.tensor(labels(B, 8), [B, 10]);
  const opt = tf.train.adam(1e-3);
  return {
    step() {
      const cost = opt.minimize(() => {
        let h: tf.Tensor = x;
        for (let l = 0; l < 3; l++) {
          h = tf.add(tf.matMul(h, w[l]), b[l]);
          if (l < 2) {
            const { mean, variance } = tf.moments(h, 0);
            h = tf.relu(tf.batchNorm(h, mean, variance, be[l], g[l], 1e-5));
          }
        }
        return tf.losses.softmaxCrossEntropy(y, h) as tf.Scalar;
      }, true);
      cost?.dispose();
    },
    dispose() {
      for (const v of vars) v.dispose();
      x.dispose();
      y.dispose();
      opt.dispose();
    },
  };
}

function tfCnn(): Step {
  const B = 64;
  const k1 = tf.variable(tf.tensor(random(3 * 3 * 16, 1, 0.6), [3, 3, 1, 16]));
  const k2 = tf.variable(tf.tensor(random(3 * 3 * 16 * 32, 2, 0.2), [3, 3, 16, 32]));
  const w3 = tf.variable(tf.tensor(random(1568 * 128, 3, 0.05), [1568, 128]));
  const w4 = tf.variable(tf.tensor(random(128 * 10, 4, 0.2), [128, 10]));
  const x = tf.tensor(random(B * 28 * 28, 5), [B, 28, 28, 1]) as tf.Tensor4D;
  const y = tf.tensor(labels(B, 6), [B, 10]);
  const opt = tf.train.sgd(0.01);
  return {
    step() {
      const cost = opt.minimize(() => {
        let h = tf.relu(tf.conv2d(x, k1 as tf.Tensor4D, 1, "same"));
        h = tf.maxPool(h, 2, 2, "valid");
        h = tf.relu(tf.conv2d(h, k2 as tf.Tensor4D, 1, "same"));
        h = tf.maxPool(h, 2, 2, "valid");
        const d = tf.relu(tf.matMul(tf.reshape(h, [B, 1568]), w3));
        return tf.losses.softmaxCrossEntropy(y, tf.matMul(d, w4)) as tf.Scalar;
      }, true);
      cost?.dispose();
    },
    dispose() {
      for (const v of [k1, k2, w3, w4, x, y]) v.dispose();
      opt.dispose();
    },
  };
}

// ---------------------------------------------------------------- timing

interface Engine {
  name: string;
  activate(): Promise<void>;
  mlp(): Step;
  cnn(): Step;
}

if (process.argv.includes("--profile")) {
  await profile();
  process.exit(0);
}

const cpu1 = new CpuBackend({ threads: 1 });
const cpu2 = new CpuBackend({ threads: 2 });
await cpu2.ready();
ax.registerBackend("axon-1t", () => cpu1, { priority: 0 });
ax.registerBackend("axon-2t", () => cpu2, { priority: 0 });

// `--only axon` (a name prefix) keeps the engines whose names start with it.
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : "";
const engines: Engine[] = [
  { name: "axon-1t", activate: () => ax.setBackend("axon-1t"), mlp: axonMlp, cnn: axonCnn },
  { name: "axon-2t", activate: () => ax.setBackend("axon-2t"), mlp: axonMlp, cnn: axonCnn },
  { name: "tfjs-wasm", activate: async () => void (await tf.setBackend("wasm")), mlp: tfMlp, cnn: tfCnn },
  { name: "tfjs-cpu", activate: async () => void (await tf.setBackend("cpu")), mlp: tfMlp, cnn: tfCnn },
].filter((e) => e.name.startsWith(only));

/** Median step time in ms over interleaved rounds, or the error an engine gives. */
async function measure(
  model: "mlp" | "cnn",
  steps: (e: Engine) => number,
  rounds: number,
): Promise<(number | string)[]> {
  const states: (Step | string)[] = [];
  for (const e of engines) {
    await e.activate();
    try {
      const s = e[model]();
      s.step();
      s.step();
      states.push(s);
    } catch (err) {
      states.push((err as Error).message.split("\n")[0].slice(0, 80));
    }
  }
  const samples = engines.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < engines.length; i++) {
      const s = states[i];
      if (typeof s === "string") continue;
      await engines[i].activate();
      const n = steps(engines[i]);
      const t0 = performance.now();
      for (let k = 0; k < n; k++) s.step();
      samples[i].push((performance.now() - t0) / n);
    }
  }
  for (let i = 0; i < engines.length; i++) {
    const s = states[i];
    if (typeof s !== "string") {
      await engines[i].activate();
      s.dispose();
    }
  }
  return states.map((s, i) => (typeof s === "string" ? s : median(samples[i])));
}

const slow = (e: Engine) => e.name === "tfjs-cpu";
const mlp = await measure("mlp", (e) => (slow(e) ? 1 : quick ? 3 : 10), quick ? 2 : 5);
const cnn = await measure("cnn", (e) => (slow(e) ? 1 : quick ? 2 : 5), quick ? 2 : 3);
const peak = cpu1.runtime!.heap.stats().peakBytes;

const fmt = (v: number | string, f: (x: number) => string) => (typeof v === "string" ? `fails: ${v}` : f(v));
const table = [
  "| engine | MLP step (ms) | MLP epoch, 469 steps (s) | CNN step, batch 64 (ms) |",
  "| --- | --- | --- | --- |",
  ...engines.map(
    (e, i) =>
      `| ${e.name} | ${fmt(mlp[i], (v) => v.toFixed(1))} | ${fmt(mlp[i], (v) => ((v * STEPS_PER_EPOCH) / 1000).toFixed(1))} | ${fmt(cnn[i], (v) => v.toFixed(0))} |`,
  ),
  "",
  `Peak heap of the one-thread Axon backend over both models: ${(peak / 2 ** 20).toFixed(1)} MiB (live tensor bytes at the high-water mark, heap blocks rounded to their size classes).`,
].join("\n");
console.log(table);
if (append) await appendResults("training steps (float32, eager)", "pnpm --filter @axon/bench train", table);
process.exit(0);

/**
 * Where a step's time goes: Axon's MLP and CNN steps on one thread, timed per primitive (with its
 * dtypes and whether a WebAssembly or a JavaScript kernel ran it), against the step time measured
 * without the timing.
 */
async function profile(): Promise<void> {
  type Row = { calls: number; ms: number };
  let rows = new Map<string, Row>();
  let on = false;
  class Profiled extends CpuBackend {
    override run<P extends ax.PrimName>(
      prim: P,
      inputs: Parameters<CpuBackend["run"]>[1],
      attrs: ax.PrimAttrs[P],
      out: ax.OutputSpec,
    ): ReturnType<CpuBackend["run"]> {
      if (!on) return super.run(prim, inputs, attrs, out);
      const before = this.#jsCalls(prim);
      const t0 = performance.now();
      const result = super.run(prim, inputs, attrs, out);
      const ms = performance.now() - t0;
      const path = this.#jsCalls(prim) > before ? "JavaScript" : "WebAssembly";
      const key = `${prim} | ${inputs.map((x) => x.dtype).join(", ")} → ${out.dtype} | ${path}`;
      const row = rows.get(key) ?? { calls: 0, ms: 0 };
      row.calls++;
      row.ms += ms;
      rows.set(key, row);
      return result;
    }
    #jsCalls(prim: string): number {
      return (this.info().jsKernelCalls as Record<string, number> | undefined)?.[prim] ?? 0;
    }
  }
  const backend = new Profiled({ threads: 1 });
  ax.registerBackend("axon-profile", () => backend, { priority: 0 });
  await ax.setBackend("axon-profile");
  const sections: string[] = [];
  for (const [name, make, steps] of [
    ["MLP (784-256-BN-128-BN-10, batch 128, Adam)", axonMlp, quick ? 20 : 60],
    ["CNN (batch 64, SGD)", axonCnn, quick ? 3 : 8],
  ] as const) {
    const s = make();
    for (let k = 0; k < 3; k++) s.step();
    const t0 = performance.now();
    for (let k = 0; k < steps; k++) s.step();
    const stepMs = (performance.now() - t0) / steps;
    rows = new Map();
    on = true;
    for (let k = 0; k < steps; k++) s.step();
    on = false;
    s.dispose();
    const sorted = [...rows.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const total = (path: string) =>
      sorted.filter(([k]) => k.endsWith(path)).reduce((t, [, r]) => t + r.ms, 0) / steps;
    const pct = (ms: number) => `${((100 * ms) / stepMs).toFixed(1)} %`;
    sections.push(
      [
        `${name}: ${stepMs.toFixed(2)} ms per step untimed; kernels in WebAssembly ${total("WebAssembly").toFixed(2)} ms (${pct(total("WebAssembly"))}), in JavaScript ${total("JavaScript").toFixed(2)} ms (${pct(total("JavaScript"))}); the rest is the engine, autograd and the optimizer.`,
        "",
        "| primitive | dtypes | kernel | calls per step | ms per step | share of the step |",
        "| --- | --- | --- | --- | --- | --- |",
        ...sorted
          .slice(0, 15)
          .map(
            ([k, r]) => `| ${k} | ${r.calls / steps} | ${(r.ms / steps).toFixed(3)} | ${pct(r.ms / steps)} |`,
          ),
      ].join("\n"),
    );
  }
  const table = sections.join("\n\n");
  console.log(table);
  if (append)
    await appendResults(
      "where a training step's time goes (one thread)",
      "pnpm --filter @axon/bench train --profile",
      table,
    );
}
