/**
 * The engines of the side-by-side benchmarks behind one interface: each prepares an operation on
 * its own tensors (outside the timing) and returns a function that runs it once and waits until the
 * result is computed: Axon and TF.js (cpu, wasm) compute synchronously, jax-js is awaited with
 * blockUntilReady, onnxruntime-node with its run promise. Nothing is read back (a fresh 4 MiB typed
 * array costs milliseconds of page faults, which would swamp the kernels).
 */
import { CpuBackend } from "@axon/backend-cpu";
import {
  type PrimName,
  type Tensor,
  makeTensor,
  registerBackend,
  runPrimitive,
  setBackend,
} from "@axon/core";
import {
  defaultDevice,
  init as jaxInit,
  numpy as jnp,
  nn as jnn,
  scipySpecial as jspecial,
} from "@jax-js/jax";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as ort from "onnxruntime-node";
import { type Attrs, singleOpModel } from "./onnx.ts";

export type Run = () => unknown;
export type UnaryOp = "exp" | "log" | "tanh" | "sigmoid" | "erf" | "neg";

export interface Engine {
  readonly name: string;
  matmul(
    a: Float32Array,
    as: number[],
    b: Float32Array,
    bs: number[],
    ta: boolean,
    tb: boolean,
  ): Promise<Run>;
  unary(op: UnaryOp, x: Float32Array, shape: number[]): Promise<Run>;
  add(a: Float32Array, as: number[], b: Float32Array, bs: number[]): Promise<Run>;
  sum(x: Float32Array, shape: number[], axes: number[]): Promise<Run>;
  /** Called before each timed run of this engine (switches global backends). */
  activate(): Promise<void>;
}

// ---------------------------------------------------------------- Axon

export function axon(name: string, threads: number): Engine {
  const backend = new CpuBackend({ threads });
  registerBackend(name, () => backend, { priority: 0 });
  const prim = (p: PrimName, inputs: Tensor[], attrs: object): Run => {
    return () => {
      runPrimitive(p, inputs, attrs as never).dispose();
    };
  };
  const t = (x: Float32Array, s: number[]) => makeTensor(x, s, "float32", backend);
  return {
    name,
    activate: async () => {
      await setBackend(name);
    },
    async matmul(a, as, b, bs, ta, tb) {
      await backend.ready();
      await setBackend(name);
      return prim("matmul", [t(a, as), t(b, bs)], { transposeA: ta, transposeB: tb });
    },
    async unary(op, x, s) {
      await setBackend(name);
      return prim(op, [t(x, s)], {});
    },
    async add(a, as, b, bs) {
      await setBackend(name);
      return prim("add", [t(a, as), t(b, bs)], {});
    },
    async sum(x, s, axes) {
      await setBackend(name);
      return prim("sum", [t(x, s)], { axes });
    },
  };
}

// ---------------------------------------------------------------- TF.js

export async function tfjs(backendName: "cpu" | "wasm"): Promise<Engine> {
  await tf.setBackend(backendName);
  await tf.ready();
  const use = async () => {
    if (tf.getBackend() !== backendName) await tf.setBackend(backendName);
  };
  const wrap =
    (f: () => tf.Tensor): Run =>
    () => {
      f().dispose();
    };
  return {
    name: `tfjs-${backendName}`,
    activate: use,
    async matmul(a, as, b, bs, ta, tb) {
      await use();
      const x = tf.tensor(a, as);
      const y = tf.tensor(b, bs);
      return wrap(() => tf.matMul(x, y, ta, tb));
    },
    async unary(op, x0, s) {
      await use();
      const x = tf.tensor(x0, s);
      const fns = { exp: tf.exp, log: tf.log, tanh: tf.tanh, sigmoid: tf.sigmoid, erf: tf.erf, neg: tf.neg };
      return wrap(() => fns[op](x));
    },
    async add(a, as, b, bs) {
      await use();
      const x = tf.tensor(a, as);
      const y = tf.tensor(b, bs);
      return wrap(() => tf.add(x, y));
    },
    async sum(x0, s, axes) {
      await use();
      const x = tf.tensor(x0, s);
      return wrap(() => tf.sum(x, axes));
    },
  };
}

// ---------------------------------------------------------------- jax-js

type JaxArray = { blockUntilReady(): Promise<unknown>; dispose(): void };

export async function jax(): Promise<Engine> {
  await jaxInit("wasm");
  defaultDevice("wasm");
  const arr = (x: Float32Array, s: number[]) => jnp.array(x).reshape(s);
  const wrap =
    (f: () => JaxArray): Run =>
    async () => {
      const y = f();
      await y.blockUntilReady();
      y.dispose();
    };
  return {
    name: "jax-js",
    activate: async () => {},
    async matmul(a, as, b, bs, ta, tb) {
      const x = arr(a, as);
      const y = arr(b, bs);
      return wrap(() => jnp.matmul(ta ? jnp.transpose(x.ref) : x.ref, tb ? jnp.transpose(y.ref) : y.ref));
    },
    async unary(op, x0, s) {
      const x = arr(x0, s);
      const fns = {
        exp: jnp.exp,
        log: jnp.log,
        tanh: jnp.tanh,
        sigmoid: jnn.sigmoid,
        erf: jspecial.erf,
        neg: jnp.negative,
      } as Record<UnaryOp, (v: unknown) => JaxArray>;
      return wrap(() => fns[op](x.ref));
    },
    async add(a, as, b, bs) {
      const x = arr(a, as);
      const y = arr(b, bs);
      return wrap(() => x.ref.add(y.ref));
    },
    async sum(x0, s, axes) {
      const x = arr(x0, s);
      return wrap(() => jnp.sum(x.ref, axes));
    },
  };
}

// ---------------------------------------------------------------- onnxruntime-node

export function onnx(threads: number): Engine {
  const session = async (
    op: string,
    inputs: { data: Float32Array; shape: number[] }[],
    attrs: Attrs = {},
  ) => {
    const model = singleOpModel(
      op,
      inputs.map((i) => i.shape),
      attrs,
    );
    // No spinning of idle pool threads: they would keep a core busy while the next engine runs.
    const s = await ort.InferenceSession.create(model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
    });
    const feeds = Object.fromEntries(
      inputs.map((x, i) => [`x${i}`, new ort.Tensor("float32", x.data, x.shape)]),
    );
    return async () => {
      const out = await s.run(feeds);
      void out.y.data;
    };
  };
  return {
    name: `onnxruntime-${threads}t`,
    activate: async () => {},
    matmul(a, as, b, bs, ta, tb) {
      if (as.length === 2 && bs.length === 2)
        return session(
          "Gemm",
          [
            { data: a, shape: as },
            { data: b, shape: bs },
          ],
          { transA: ta ? 1 : 0, transB: tb ? 1 : 0 },
        );
      if (ta || tb) throw new Error("onnx: batched transposes are not wired");
      return session("MatMul", [
        { data: a, shape: as },
        { data: b, shape: bs },
      ]);
    },
    unary(op, x, s) {
      const names = { exp: "Exp", log: "Log", tanh: "Tanh", sigmoid: "Sigmoid", erf: "Erf", neg: "Neg" };
      return session(names[op], [{ data: x, shape: s }]);
    },
    add(a, as, b, bs) {
      return session("Add", [
        { data: a, shape: as },
        { data: b, shape: bs },
      ]);
    },
    sum(x, s, axes) {
      if (axes.length !== s.length) throw new Error("onnx: partial sums are not wired");
      return session("ReduceSum", [{ data: x, shape: s }], { keepdims: 0 });
    },
  };
}

// ---------------------------------------------------------------- timing

/** Median of a list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Times prepared runs interleaved: `rounds` rounds, each running every engine `reps` times in turn,
 * so that the machine's changing load falls on all of them alike. Returns the median milliseconds
 * per run of each engine (after `warmup` untimed rounds).
 */
export async function interleave(
  runs: { engine: Engine; run: Run }[],
  reps: number,
  rounds: number,
  warmup = 2,
): Promise<number[]> {
  const samples = runs.map(() => [] as number[]);
  for (let r = 0; r < warmup + rounds; r++) {
    for (let i = 0; i < runs.length; i++) {
      const { engine, run } = runs[i];
      await engine.activate();
      const t0 = performance.now();
      for (let k = 0; k < reps; k++) await run();
      const dt = (performance.now() - t0) / reps;
      if (r >= warmup) samples[i].push(dt);
    }
  }
  return samples.map(median);
}

/** `nproc`, CPU model and Node version, for the results file. */
export async function machine(): Promise<string> {
  const os = await import("node:os");
  const fs = await import("node:fs");
  const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  return `${os.availableParallelism()} cores (nproc), ${model}, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}
