import { type DType, typedArrayFor } from "@axon/core";
import { type ElementwiseDescription, buildElementwiseModule, elementwiseKey } from "./elementwise.ts";
import { type GemmDescription, buildGemmModule, gemmWorkspaceBytes } from "./gemm.ts";
import { CpuBuffer, Heap, bytesOf } from "./heap.ts";
import { WorkerPool, poolUnavailableReason } from "./pool.ts";
import { buildPhiloxModule } from "./philox.ts";
import { type PoolingDescription, buildPoolingModule, poolingKey } from "./pooling.ts";
import { type ReduceKind, buildReduceModule } from "./reduce.ts";
import { buildTransposeModule } from "./transpose.ts";

/** Compiled modules, shared by every runtime (and sent to workers): the bytes are a pure function of the key. */
const MODULES = new Map<string, WebAssembly.Module>();

export function compileCached(key: string, build: () => Uint8Array<ArrayBuffer>): WebAssembly.Module {
  let mod = MODULES.get(key);
  if (!mod) {
    mod = new WebAssembly.Module(build());
    MODULES.set(key, mod);
  }
  return mod;
}

export interface RuntimeOptions {
  /** A shared memory (needed by the worker pool). */
  readonly shared: boolean;
  /** Relaxed-SIMD fused multiply-add in the GEMM micro-kernel. */
  readonly fma: boolean;
  readonly maxPages?: number;
  /** Threads including the calling one (1: no pool). */
  readonly threads?: number;
  /** Smallest work (see `MIN_WORK`) split between threads; 0 splits everything (tests). */
  readonly minParallelWork?: number;
}

/** Cache blocks of the GEMM (rows of A, depth, columns of B per packed block). */
export const GEMM_BLOCKS = { mc: 128, kc: 256, nc: 4096 };

/** The register tile: 2 rows × 16 columns (8 f32x4 accumulators) measured fastest with V8's register allocator. */
const TILE = { mr: 2, nr: 16, unroll: 1 };

/**
 * Below these amounts of work a kernel stays on one thread (waking a worker costs tens of
 * microseconds): multiply-adds for GEMM, elements for elementwise kernels and reductions, window
 * elements read for pooling.
 */
export const MIN_WORK = { gemm: 2 ** 21, elementwise: 2 ** 16, reduce: 2 ** 17, pool: 2 ** 16 };

/** A kernel exported by one generated module: enough for a worker to find it again. */
export interface KernelRef {
  readonly key: string;
  readonly name: string;
  readonly fn: (...args: number[]) => unknown;
}

/** Splits [0, total) into at most `parts` ranges whose inner boundaries are multiples of `align`. */
export function splitRange(total: number, parts: number, align: number): [number, number][] {
  const units = Math.ceil(total / align);
  const p = Math.max(1, Math.min(parts, units));
  const out: [number, number][] = [];
  for (let i = 0; i < p; i++) {
    const u0 = Math.floor((units * i) / p);
    const u1 = Math.floor((units * (i + 1)) / p);
    out.push([Math.min(total, u0 * align), Math.min(total, u1 * align)]);
  }
  return out.filter(([a, b]) => b > a);
}

/**
 * The WebAssembly side of one CPU backend: its heap, the generated modules instantiated on the
 * heap's memory, and the worker pool that runs them on more threads.
 */
export class WasmRuntime {
  readonly heap: Heap;
  readonly fma: boolean;
  readonly maxPages: number;
  readonly gemmDescription: GemmDescription;
  readonly #instances = new Map<string, WebAssembly.Instance>();
  readonly #refs = new Map<string, KernelRef>();
  readonly #byDescription = new WeakMap<ElementwiseDescription, KernelRef>();
  readonly gemm: KernelRef;
  readonly gemmBatch: KernelRef;
  #pool: WorkerPool | null = null;
  #threadsWanted = 1;
  minParallelWork: number | null;

  constructor(options: RuntimeOptions) {
    const maxPages = options.maxPages ?? 65536;
    this.heap = new Heap({ shared: options.shared, maxPages });
    this.maxPages = maxPages;
    this.fma = options.fma;
    this.minParallelWork = options.minParallelWork ?? null;
    this.gemmDescription = { ...TILE, fma: options.fma, shared: options.shared, maxPages };
    const d = this.gemmDescription;
    const key = `gemm:${JSON.stringify(d)}`;
    this.gemm = this.kernel(key, "gemm", () => buildGemmModule(d));
    this.gemmBatch = this.kernel(key, "gemmBatch", () => buildGemmModule(d));
    this.setThreads(options.threads ?? 1);
  }

  /** Threads that kernels are split over (the calling one included). */
  get threads(): number {
    return 1 + (this.#pool?.workers ?? 0);
  }

  /** Why more threads were asked for than run, if so. */
  get threadsNote(): string | null {
    if (this.#threadsWanted <= 1 || this.#pool) return null;
    return poolUnavailableReason(this.heap.memory);
  }

  /** Restarts the pool with n − 1 workers (n ≥ 1); without shared memory or workers, stays at one thread. */
  setThreads(n: number): void {
    const want = Math.max(1, Math.floor(n));
    this.#threadsWanted = want;
    if (this.#pool && this.#pool.workers === want - 1) return;
    this.#pool?.terminate();
    this.#pool = null;
    if (want > 1 && poolUnavailableReason(this.heap.memory) === null)
      this.#pool = new WorkerPool(this.heap.memory, want - 1, 1024, MODULES);
  }

  /** Blocks until the workers have started (a job is never posted to one that has not: it runs here). */
  waitReady(timeoutMs?: number): boolean {
    return this.#pool?.waitReady(timeoutMs) ?? true;
  }

  /** Resolves when the workers have started, yielding meanwhile (Web Workers start only then); false on timeout. */
  ready(timeoutMs?: number): Promise<boolean> {
    return this.#pool?.ready(timeoutMs) ?? Promise.resolve(true);
  }

  dispose(): void {
    this.#pool?.terminate();
    this.#pool = null;
  }

  /** Parts to split `work` into: 1 below the threshold of its kind. */
  parts(kind: keyof typeof MIN_WORK, work: number): number {
    const min = this.minParallelWork ?? MIN_WORK[kind];
    return work >= min ? this.threads : 1;
  }

  /** Runs `kernel` once per argument list, in parallel when there is a pool. */
  parallel(kernel: KernelRef, jobs: readonly (readonly number[])[]): void {
    if (jobs.length === 0) return;
    if (jobs.length === 1 || !this.#pool) for (const a of jobs) kernel.fn(...a);
    else this.#pool.run(kernel, jobs);
  }

  /** The export `name` of the module built by `build`, instantiated on this runtime's memory. */
  kernel(key: string, name: string, build: () => Uint8Array<ArrayBuffer>): KernelRef {
    const refKey = `${key}#${name}`;
    const cached = this.#refs.get(refKey);
    if (cached) return cached;
    let inst = this.#instances.get(key);
    if (!inst) {
      const mod = compileCached(key, build);
      inst = new WebAssembly.Instance(mod, { env: { memory: this.heap.memory } });
      this.#instances.set(key, inst);
    }
    const fn = inst.exports[name];
    if (typeof fn !== "function") throw new Error(`wasm: module ${key} has no export ${name}`);
    const ref = { key, name, fn: fn as (...args: number[]) => unknown };
    this.#refs.set(refKey, ref);
    return ref;
  }

  /** The `grid` export of the elementwise module for `d` (generated on first use; see GridFn). */
  elementwise(d: ElementwiseDescription): KernelRef {
    const hit = this.#byDescription.get(d);
    if (hit) return hit;
    const shared = this.heap.shared;
    const ref = this.kernel(elementwiseKey(d, shared, this.maxPages), "grid", () =>
      buildElementwiseModule(d, shared, this.maxPages),
    );
    this.#byDescription.set(d, ref);
    return ref;
  }

  /** The tiled transpose of elements of `bytes` bytes (see buildTransposeModule). */
  transpose(bytes: 1 | 4 | 8): KernelRef {
    const shared = this.heap.shared;
    return this.kernel(`transpose:${bytes}:${shared ? "s" : "u"}${this.maxPages}`, "transpose", () =>
      buildTransposeModule(bytes, shared, this.maxPages),
    );
  }

  /** The `pool` export of the pooling module for `d` (see PoolingFn). */
  pooling(d: PoolingDescription): KernelRef {
    const shared = this.heap.shared;
    return this.kernel(poolingKey(d, shared, this.maxPages), "pool", () =>
      buildPoolingModule(d, shared, this.maxPages),
    );
  }

  /** The Philox uniform generator writing `dtype` (see buildPhiloxModule). */
  philox(dtype: "float32" | "float64"): KernelRef {
    const shared = this.heap.shared;
    return this.kernel(`philox:${dtype}:${shared ? "s" : "u"}${this.maxPages}`, "uniform", () =>
      buildPhiloxModule(dtype, shared, this.maxPages),
    );
  }

  /** The `rows` or `cols` export of the reduction module of `kind`. */
  reduce(kind: ReduceKind, form: "rows" | "cols"): KernelRef {
    const shared = this.heap.shared;
    return this.kernel(`reduce:${kind}:${shared ? "s" : "u"}${this.maxPages}`, form, () =>
      buildReduceModule(kind, shared, this.maxPages),
    );
  }

  /** A heap buffer of `length` elements (contents undefined); an empty one lives outside the heap. */
  newBuffer(dtype: DType, length: number): CpuBuffer {
    if (length === 0) return new CpuBuffer(this.heap, -1, dtype, 0, typedArrayFor(dtype, 0));
    return new CpuBuffer(this.heap, this.heap.alloc(bytesOf(dtype, length)), dtype, length);
  }

  /**
   * C_t = A_t·B_t for `count` matrices of m×n (see GemmFn for the strides) whose byte addresses are
   * listed in `addresses` ([a, b, c] per matrix). Many matrices are split between threads by matrix;
   * few, by blocks of rows or columns of C. Either way each element of C is computed by the same
   * operations, so the result does not depend on the number of threads.
   */
  sgemm(
    m: number,
    n: number,
    k: number,
    ars: number,
    acs: number,
    brs: number,
    bcs: number,
    ldc: number,
    addresses: readonly number[],
  ): void {
    const count = addresses.length / 3;
    if (m === 0 || n === 0 || count === 0) return;
    if (k === 0) {
      for (let t = 0; t < count; t++)
        for (let i = 0; i < m; i++) this.heap.f32(addresses[3 * t + 2] + 4 * i * ldc, n).fill(0);
      return;
    }
    const { mc, kc } = GEMM_BLOCKS;
    // The kernel lays out its workspace (packed B, then the edge tile) from the nc it is given, so the
    // workspace must be sized with that same nc: a smaller one puts the tile past the end of the block.
    const nc = Math.min(GEMM_BLOCKS.nc, n);
    const { mr, nr } = this.gemmDescription;
    const parts = this.parts("gemm", count * m * n * k);
    let rects: [number, number, number, number, number, number][];
    if (parts > 1 && count >= parts) {
      rects = splitRange(count, parts, 1).map(([t0, t1]) => [t0, t1, 0, m, 0, n]);
    } else if (parts > 1 && Math.ceil(n / nr) >= Math.ceil(m / mr)) {
      rects = splitRange(n, parts, nr).map(([n0, n1]) => [0, count, 0, m, n0, n1]);
    } else {
      rects = splitRange(m, parts, mr).map(([m0, m1]) => [0, count, m0, m1, 0, n]);
    }
    const wsBytes = gemmWorkspaceBytes(this.gemmDescription, mc, kc, nc);
    const table = this.heap.alloc(4 * addresses.length);
    const ws = rects.map(() => this.heap.alloc(wsBytes));
    try {
      this.heap.i32(table, addresses.length).set(addresses);
      this.parallel(
        this.gemmBatch,
        rects.map(([t0, t1, m0, m1, n0, n1], i) => [
          t0,
          t1,
          table,
          m0,
          m1,
          n0,
          n1,
          k,
          ars,
          acs,
          brs,
          bcs,
          ldc,
          ws[i],
          mc,
          kc,
          nc,
        ]),
      );
    } finally {
      for (const w of ws) this.heap.free(w);
      this.heap.free(table);
    }
  }

  /** One matrix: C = A·B at byte addresses a, b, c. */
  sgemm1(
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    ldc: number,
  ): void {
    this.sgemm(m, n, k, ars, acs, brs, bcs, ldc, [a, b, c]);
  }
}
