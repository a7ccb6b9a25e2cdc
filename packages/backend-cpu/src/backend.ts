import {
  type Backend,
  type BufferInfo,
  type DType,
  type Kernel,
  type OutputSpec,
  type PrimAttrs,
  type PrimName,
  type TypedArray,
  sizeOf,
  typedArrayFor,
} from "@axon/core";
import { FAST_KERNELS } from "./fast/index.ts";
import { KERNELS } from "./kernels/index.ts";
import { provideOut } from "./kernels/util.ts";
import { detectFeatures } from "./wasm/features.ts";
import { CpuBuffer, bytesOf } from "./wasm/heap.ts";
import { hardwareThreads } from "./wasm/pool.ts";
import { WasmRuntime } from "./wasm/runtime.ts";

export interface CpuBackendOptions {
  /**
   * WebAssembly SIMD kernels (matmul, convolutions, elementwise math, comparisons, where, cast,
   * transpose, broadcastTo, reductions, pooling: see FAST_KERNELS) where the engine has SIMD128:
   * true (the default) uses them when present; false keeps every kernel in JavaScript, on ordinary
   * typed arrays.
   */
  readonly simd?: boolean;
  /** Fused multiply-add from relaxed SIMD where a probe finds it (default true); false never uses it. */
  readonly relaxedSimd?: boolean;
  /** Largest heap in 64 KiB pages (default 65536: 4 GiB). */
  readonly maxPages?: number;
  /**
   * Threads the WebAssembly kernels are split over, the calling one included (default: the value of
   * `setNumThreads`, else the number of cores, at most 8). More than one needs shared memory and
   * Node's worker_threads, or Web Workers in a cross-origin isolated page; results are bit-identical whatever the count.
   */
  readonly threads?: number;
  /** Smallest work split between threads (0 splits every kernel: tests use it to exercise the splitting). */
  readonly minParallelWork?: number;
}

let defaultThreads: number | null = null;
const instances = new Set<WeakRef<CpuBackend>>();

/**
 * Sets the thread count of every CPU backend made so far and of those made later (n ≥ 1; 1 runs
 * everything on the calling thread).
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected an integer ≥ 1, got ${n}`);
  defaultThreads = n;
  for (const ref of instances) {
    const b = ref.deref();
    if (b) b.setNumThreads(n);
    else instances.delete(ref);
  }
}

/** The default thread count of new CPU backends. */
export function getNumThreads(): number {
  return defaultThreads ?? Math.min(8, hardwareThreads());
}

/**
 * Every primitive on the CPU. With WebAssembly SIMD, buffers live in one WebAssembly memory (the
 * heap) so that the WebAssembly kernels read and write them in place; the JavaScript kernels are the
 * reference and cover everything else, reading the same memory through typed-array views.
 */
export class CpuBackend implements Backend<CpuBuffer> {
  readonly name = "cpu";
  readonly dtypes: readonly DType[] = ["float32", "float64", "int32", "bool"];
  readonly #runtime: WasmRuntime | null;
  readonly #relaxed: boolean;
  /** Buffers handed out and not yet freed. */
  #live = 0;
  /** Calls per primitive that ran a JavaScript kernel although WebAssembly is on (declined or not covered). */
  readonly #jsCalls = new Map<PrimName, number>();

  constructor(options: CpuBackendOptions = {}) {
    const features = detectFeatures();
    const useSimd = (options.simd ?? true) && features.simd;
    this.#relaxed = useSimd && (options.relaxedSimd ?? true) && features.relaxedSimd;
    this.#runtime = useSimd
      ? new WasmRuntime({
          shared: features.sharedMemory,
          fma: this.#relaxed,
          maxPages: options.maxPages,
          threads: options.threads ?? getNumThreads(),
          minParallelWork: options.minParallelWork,
        })
      : null;
    instances.add(new WeakRef(this));
  }

  /** Splits the WebAssembly kernels over n threads from now on (restarting the worker pool). */
  setNumThreads(n: number): void {
    this.#runtime?.setThreads(n);
  }

  /** Threads the kernels run on (1 on the JavaScript-only path). */
  get numThreads(): number {
    return this.#runtime?.threads ?? 1;
  }

  /** Resolves when the worker threads have started (until then their share runs on the calling thread). */
  async ready(): Promise<void> {
    await this.#runtime?.ready();
  }

  /** The WebAssembly runtime (null on the JavaScript-only path). */
  get runtime(): WasmRuntime | null {
    return this.#runtime;
  }

  #newBuffer(dtype: DType, length: number): CpuBuffer {
    const rt = this.#runtime;
    if (rt) return rt.newBuffer(dtype, length);
    return new CpuBuffer(null, -1, dtype, length, typedArrayFor(dtype, length));
  }

  write(values: TypedArray, dtype: DType): CpuBuffer {
    const buffer = this.#newBuffer(dtype, values.length);
    const data = buffer.data;
    if (dtype === "bool") for (let i = 0; i < values.length; i++) data[i] = values[i] !== 0 ? 1 : 0;
    else data.set(values);
    this.#live++;
    return buffer;
  }

  readSync(buffer: CpuBuffer, dtype: DType, size: number): TypedArray {
    const out = typedArrayFor(dtype, size);
    const data = buffer.data;
    out.set(data.length === size ? data : data.subarray(0, size));
    return out;
  }

  read(buffer: CpuBuffer, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(this.readSync(buffer, dtype, size));
  }

  free(buffer: CpuBuffer): void {
    buffer.release();
    this.#live--;
  }

  run<P extends PrimName>(
    prim: P,
    inputs: readonly BufferInfo<CpuBuffer>[],
    attrs: PrimAttrs[P],
    out: OutputSpec,
  ): CpuBuffer {
    const rt = this.#runtime;
    const fast = rt ? FAST_KERNELS[prim] : undefined;
    let result = fast && rt ? fast(rt, inputs, attrs, out) : null;
    if (!result) {
      if (rt) this.#jsCalls.set(prim, (this.#jsCalls.get(prim) ?? 0) + 1);
      result = this.#runJs(prim, inputs, attrs, out);
    }
    if (!inputs.some((x) => x.buffer === result)) this.#live++;
    return result;
  }

  /**
   * A JavaScript kernel on views of the inputs. With a heap, the output block is allocated first
   * (so that no growth detaches the input views mid-kernel) and handed to the kernel's `allocOut`.
   */
  #runJs<P extends PrimName>(
    prim: P,
    inputs: readonly BufferInfo<CpuBuffer>[],
    attrs: PrimAttrs[P],
    out: OutputSpec,
  ): CpuBuffer {
    const rt = this.#runtime;
    const size = sizeOf(out.shape);
    const target = rt && size > 0 ? rt.newBuffer(out.dtype, size) : null;
    let provided: TypedArray | null = null;
    if (target) {
      provided = target.data;
      provided.fill(0);
    }
    const views = inputs.map((x) => ({ buffer: x.buffer.data, shape: x.shape, dtype: x.dtype }));
    provideOut(provided);
    let res: TypedArray;
    try {
      res = (KERNELS[prim] as Kernel<P, TypedArray>)(views, attrs, out);
    } finally {
      provideOut(null);
    }
    if (target && res === provided) return target;
    target?.release();
    const same = inputs.find((_x, i) => views[i].buffer === res);
    if (same) return same.buffer;
    return new CpuBuffer(rt?.heap ?? null, -1, out.dtype, res.length, res);
  }

  info(): Record<string, unknown> {
    const rt = this.#runtime;
    return {
      threads: this.numThreads,
      ...(rt?.threadsNote ? { threadsNote: rt.threadsNote } : {}),
      liveBuffers: this.#live,
      simd: rt !== null,
      relaxedSimd: this.#relaxed,
      sharedMemory: rt?.heap.shared ?? false,
      ...(rt ? { heap: rt.heap.stats(), jsKernelCalls: Object.fromEntries(this.#jsCalls) } : {}),
    };
  }

  /** Stops the worker threads; the buffers stay readable. */
  dispose(): void {
    this.#live = 0;
    this.#runtime?.dispose();
  }
}

export { bytesOf };
