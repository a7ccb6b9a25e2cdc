import type { OutputSpec, PrimAttrs, PrimName } from "@axon/core";
import { CpuBackend } from "../src/backend.ts";
import { poolOn } from "../src/wasm/pool.ts";

/** What the page found about the threaded CPU backend (see checkPool). */
export interface PoolCheck {
  readonly crossOriginIsolated: boolean;
  /** info() of the backend asked for two threads. */
  readonly threads: number;
  readonly threadsNote: string | null;
  /** Workers that had started before the page first yielded (they cannot: the page must yield). */
  readonly readyBeforeYield: number;
  /** Kernel jobs the workers ran before the page first yielded. */
  readonly workerJobsBeforeYield: number;
  /** Whether the workers started once the page yielded. */
  readonly workersReady: boolean;
  /** Bytes of the two-thread backend's heap when its workers had started, and after the cases. */
  readonly heapBytes: readonly [number, number];
  /** Per case: null when one and two threads gave the same bits, else the first difference. */
  readonly differences: Record<string, string | null>;
  /** Per case: kernel jobs the workers ran for it (on two threads). */
  readonly workerJobs: Record<string, number>;
}

/** The page's API for the test and the benchmark. */
export interface PoolPage {
  readonly axonPool: {
    checkPool: typeof checkPool;
    checkPoolInWorker: typeof checkPoolInWorker;
    benchMatmul: typeof benchMatmul;
  };
}

/** Deterministic values in [-1, 1) (mulberry32). */
function randomValues(seed: number, n: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = -1 + (2 * ((t ^ (t >>> 14)) >>> 0)) / 4294967296;
  }
  return out;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((x, y) => x * y, 1);

interface Case {
  readonly name: string;
  readonly run: (b: CpuBackend) => Float32Array;
}

/** Runs `prim` on float32 inputs of the given shapes and reads the result back. */
function runOp<P extends PrimName>(
  b: CpuBackend,
  prim: P,
  inputs: readonly (readonly number[])[],
  attrs: PrimAttrs[P],
  outShape: readonly number[],
): Float32Array {
  const bufs = inputs.map((shape, i) => b.write(randomValues(i + 1, sizeOf(shape)), "float32"));
  const out: OutputSpec = { shape: [...outShape], dtype: "float32" };
  const res = b.run(
    prim,
    bufs.map((buffer, i) => ({ buffer, shape: [...inputs[i]], dtype: "float32" as const })),
    attrs,
    out,
  );
  const values = b.readSync(res, "float32", sizeOf(outShape)) as Float32Array;
  b.free(res);
  for (const buf of bufs) b.free(buf);
  return values;
}

/** Large enough that each kernel is split between threads at the default thresholds. */
const CASES: readonly Case[] = [
  {
    name: "matmul 384×512·512×640",
    run: (b) =>
      runOp(
        b,
        "matmul",
        [
          [384, 512],
          [512, 640],
        ],
        { transposeA: false, transposeB: false },
        [384, 640],
      ),
  },
  {
    name: "conv2d 4×32×32×32 * 3×3×32×48",
    run: (b) =>
      runOp(
        b,
        "conv2d",
        [
          [4, 32, 32, 32],
          [3, 3, 32, 48],
        ],
        {
          strides: [1, 1],
          dilations: [1, 1],
          padding: [
            [1, 1],
            [1, 1],
          ],
        },
        [4, 32, 32, 48],
      ),
  },
  { name: "exp of 2^20", run: (b) => runOp(b, "exp", [[1 << 20]], {}, [1 << 20]) },
  { name: "add 1024×1024 + 1024", run: (b) => runOp(b, "add", [[1024, 1024], [1024]], {}, [1024, 1024]) },
  // 32 MiB of buffers: the heap (16 MiB at first) grows while the workers run on it
  { name: "exp of 2^22", run: (b) => runOp(b, "exp", [[1 << 22]], {}, [1 << 22]) },
];

/** Null when `a` and `b` hold the same bits, else where they first differ. */
function difference(a: Float32Array, b: Float32Array): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++)
    if (ua[i] !== ub[i]) return `element ${i}: ${a[i]} on one thread, ${b[i]} on two`;
  return null;
}

function heapBytesOf(b: CpuBackend): number {
  return b.runtime?.heap.stats().heapBytes ?? 0;
}

function workerJobsOf(b: CpuBackend): number {
  const memory = b.runtime?.heap.memory;
  return (memory && poolOn(memory)?.workerJobs) ?? 0;
}

/**
 * Makes a CPU backend with two threads and one with one, runs the cases on both and compares the
 * bits; the first case also runs before the page yields, when no worker can have started yet.
 */
export async function checkPool(): Promise<PoolCheck> {
  const one = new CpuBackend({ threads: 1 });
  const two = new CpuBackend({ threads: 2 });
  const info = two.info();
  const memory = two.runtime?.heap.memory;
  const pool = memory ? poolOn(memory) : null;
  const differences: Record<string, string | null> = {};
  const workerJobs: Record<string, number> = {};
  try {
    const early = CASES[0];
    differences[`${early.name}, before the workers start`] = difference(early.run(one), early.run(two));
    const readyBeforeYield = pool?.readyWorkers ?? 0;
    const workerJobsBeforeYield = workerJobsOf(two);
    await two.ready();
    const workersReady = pool !== null && pool.readyWorkers === pool.workers;
    const heapBefore = heapBytesOf(two);
    for (const c of CASES) {
      const before = workerJobsOf(two);
      const got = c.run(two);
      workerJobs[c.name] = workerJobsOf(two) - before;
      differences[c.name] = difference(c.run(one), got);
    }
    return {
      crossOriginIsolated,
      threads: Number(info.threads),
      threadsNote: typeof info.threadsNote === "string" ? info.threadsNote : null,
      readyBeforeYield,
      workerJobsBeforeYield,
      workersReady,
      heapBytes: [heapBefore, heapBytesOf(two)],
      differences,
      workerJobs,
    };
  } finally {
    one.dispose();
    two.dispose();
  }
}

/** checkPool with the backend inside a dedicated Web Worker of this page. */
export function checkPoolInWorker(): Promise<PoolCheck> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (e: MessageEvent<{ result?: PoolCheck; error?: string }>) => {
      worker.terminate();
      if (e.data.result) resolve(e.data.result);
      else reject(new Error(`checkPoolInWorker: ${e.data.error}`));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`checkPoolInWorker: the worker failed: ${e.message}`));
    };
    worker.postMessage("check");
  });
}

/** Milliseconds (median and fastest run) and GFLOP/s (of the median) of an n×n·n×n float32 matmul. */
export interface MatmulTiming {
  readonly n: number;
  readonly threads: number;
  readonly ms: number;
  readonly minMs: number;
  readonly gflops: number;
}

/** Times an n×n matmul on one and on two threads, interleaved, `reps` times each after a warm-up. */
export async function benchMatmul(sizes: readonly number[], reps: number): Promise<MatmulTiming[]> {
  const backends = [new CpuBackend({ threads: 1 }), new CpuBackend({ threads: 2 })];
  const out: MatmulTiming[] = [];
  try {
    for (const b of backends) {
      await b.ready();
      const memory = b.runtime?.heap.memory;
      const pool = memory ? poolOn(memory) : null;
      if (b.numThreads > 1 && pool?.readyWorkers !== b.numThreads - 1)
        throw new Error("benchMatmul: the workers of the two-thread backend did not start");
    }
    for (const n of sizes) {
      const inputs = backends.map((b) => [
        b.write(randomValues(1, n * n), "float32"),
        b.write(randomValues(2, n * n), "float32"),
      ]);
      const times: number[][] = backends.map(() => []);
      const once = (i: number) => {
        const b = backends[i];
        const t0 = performance.now();
        const c = b.run(
          "matmul",
          inputs[i].map((buffer) => ({ buffer, shape: [n, n], dtype: "float32" as const })),
          { transposeA: false, transposeB: false },
          { shape: [n, n], dtype: "float32" },
        );
        const ms = performance.now() - t0;
        b.free(c);
        return ms;
      };
      for (let i = 0; i < backends.length; i++) once(i);
      for (let r = 0; r < reps; r++) for (let i = 0; i < backends.length; i++) times[i].push(once(i));
      backends.forEach((b, i) => {
        const sorted = [...times[i]].sort((x, y) => x - y);
        const ms = sorted[Math.floor(sorted.length / 2)];
        out.push({ n, threads: b.numThreads, ms, minMs: sorted[0], gflops: (2 * n * n * n) / (ms * 1e6) });
        for (const buf of inputs[i]) b.free(buf);
      });
    }
    return out;
  } finally {
    for (const b of backends) b.dispose();
  }
}
