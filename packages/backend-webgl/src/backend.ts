import {
  type Backend,
  BackendError,
  type BufferInfo,
  type DType,
  DTypeError,
  type Kernel,
  type KernelTable,
  type OutputSpec,
  type PrimAttrs,
  type PrimName,
  type TypedArray,
  ValueError,
  getBackend,
  registerBackend,
  sizeOf,
  tidy,
} from "@axon/core";
import type { GLBuffer } from "./gl/buffer.ts";
import { type GLContext, createGLContext } from "./gl/context.ts";
import { GPGPU } from "./gl/gpgpu.ts";
import { DEFAULT_HOST_EVAL_MAX, HOST_KERNELS } from "./host/index.ts";
import { makeKernelTable } from "./kernels/index.ts";

const DTYPES: readonly DType[] = ["float32", "int32", "bool"];

/** How to start a WebGL backend. */
export interface WebGLBackendOptions {
  /** The GL context to compute with (default: a new one on an OffscreenCanvas). */
  readonly context?: GLContext;
  /**
   * Host evaluation: a primitive whose inputs all have their values on the host, with no input and
   * no output above this many elements, runs in JavaScript and its result stays on the host
   * (default 64; 0 sends every primitive to the GPU).
   */
  readonly hostEvalMax?: number;
}

/**
 * The WebGL2 backend: float32 in RGBA32F textures and int32/bool in RGBA32I textures, flat
 * row-major with four elements a texel, one fragment shader per kernel. Needs a browser with
 * WebGL2 and EXT_color_buffer_float.
 *
 * Small tensors stay on the host: data written from JavaScript is uploaded when a GPU kernel first
 * reads it, and a primitive on host values that involves at most `hostEvalMax` elements a tensor
 * (scalars, loss scales, small vectors) runs on the host with JavaScript kernels that follow the
 * GPU's numerics (src/host/), so a graph of scalar ops issues no draw at all.
 */
export class WebGLBackend implements Backend<GLBuffer> {
  readonly name = "webgl";
  readonly dtypes = DTYPES;
  readonly gpgpu: GPGPU;
  /** The largest tensor (in elements) a primitive evaluated on the host may read or make. */
  readonly hostEvalMax: number;
  readonly #kernels: KernelTable<GLBuffer>;

  /** Throws a BackendError when WebGL2 or float render targets are missing. */
  constructor(options: WebGLBackendOptions = {}) {
    const max = options.hostEvalMax ?? DEFAULT_HOST_EVAL_MAX;
    if (!Number.isInteger(max) || max < 0) {
      throw new ValueError(`webgl: hostEvalMax must be a non-negative integer, got ${String(max)}`);
    }
    this.hostEvalMax = max;
    this.gpgpu = new GPGPU(options.context ?? createGLContext());
    this.#kernels = makeKernelTable(this.gpgpu);
  }

  write(values: TypedArray, dtype: DType): GLBuffer {
    this.gpgpu.check("write");
    if (!DTYPES.includes(dtype))
      throw new DTypeError(`webgl: dtype ${dtype} is not supported (float32, int32, bool)`);
    const copy =
      dtype === "float32"
        ? Float32Array.from(values)
        : dtype === "int32"
          ? Int32Array.from(values)
          : Uint8Array.from(values);
    return this.gpgpu.fromHost(copy, dtype);
  }

  readSync(buffer: GLBuffer, dtype: DType, _size: number): TypedArray {
    return this.gpgpu.readSync(buffer, dtype);
  }

  read(buffer: GLBuffer, dtype: DType, _size: number): Promise<TypedArray> {
    return this.gpgpu.read(buffer, dtype);
  }

  free(buffer: GLBuffer): void {
    this.gpgpu.free(buffer);
  }

  run<P extends PrimName>(
    prim: P,
    inputs: readonly BufferInfo<GLBuffer>[],
    attrs: PrimAttrs[P],
    out: OutputSpec,
  ): GLBuffer {
    this.gpgpu.check(prim);
    return this.#runOnHost(prim, inputs, attrs, out) ?? this.#kernels[prim](inputs, attrs, out);
  }

  /** The primitive evaluated on the host, or null when it belongs on the GPU. */
  #runOnHost<P extends PrimName>(
    prim: P,
    inputs: readonly BufferInfo<GLBuffer>[],
    attrs: PrimAttrs[P],
    out: OutputSpec,
  ): GLBuffer | null {
    const kernel = HOST_KERNELS[prim] as Kernel<P, TypedArray> | undefined;
    if (!kernel || this.hostEvalMax === 0 || sizeOf(out.shape) > this.hostEvalMax) return null;
    // Host values only: a small result of a GPU kernel stays there (reading it back would stall).
    for (const x of inputs) if (!x.buffer.values || x.buffer.size > this.hostEvalMax) return null;
    const values = kernel(
      inputs.map((x) => ({ buffer: x.buffer.values as TypedArray, shape: x.shape, dtype: x.dtype })),
      attrs,
      out,
    );
    this.gpgpu.stats.hostRuns++;
    // reshape and friends return their input: the engine shares that buffer
    const same = inputs.find((x) => x.buffer.values === values);
    return same ? same.buffer : this.gpgpu.fromHost(values, out.dtype);
  }

  /**
   * Compiles the shader programs of a computation in parallel, before it runs for real (a warm-up
   * at page load, so the first training step does not wait for compilers). `fn` runs once on this
   * backend, which must be the active one, in a compile-only mode: every GPU kernel hands its
   * program to the driver and draws nothing, so GPU results inside `fn` have no values (reading one
   * gives zeros) and every tensor `fn` makes is disposed at the end. Resolves with the number of
   * programs compiled once all are linked; with KHR_parallel_shader_compile (`info().parallelCompile`)
   * nothing blocks while the driver compiles, without it each program is checked in turn with the
   * event loop running between them.
   */
  async compileAsync(fn: () => unknown): Promise<number> {
    this.gpgpu.check("compileAsync");
    if (getBackend() !== this) {
      throw new BackendError(
        `webgl: compileAsync: this backend must be the active one, but '${getBackend().name}' is; call setBackend first`,
      );
    }
    if (this.gpgpu.compileOnly) throw new BackendError("webgl: compileAsync: already inside a compileAsync");
    const before = this.gpgpu.stats.programsCompiled;
    this.gpgpu.compileOnly = true;
    try {
      tidy(() => {
        const result = fn();
        if (result instanceof Promise)
          throw new ValueError("webgl: compileAsync: fn returned a Promise; it must be synchronous");
      });
    } finally {
      this.gpgpu.compileOnly = false;
    }
    await this.gpgpu.finishPending();
    return this.gpgpu.stats.programsCompiled - before;
  }

  info(): Record<string, unknown> {
    const { ctx, pool, stats } = this.gpgpu;
    return {
      backend: "webgl",
      renderer: ctx.renderer,
      vendor: ctx.vendor,
      version: ctx.version,
      maxTextureSize: ctx.maxTextureSize,
      textureUnits: ctx.maxTextureUnits,
      parallelCompile: ctx.completionStatus !== null,
      hostEvalMax: this.hostEvalMax,
      textures: pool.numTextures,
      textureBytes: pool.numBytes,
      pooledTextures: pool.pooled,
      pooledBytes: pool.pooledBytes,
      programs: this.gpgpu.numPrograms,
      pendingPrograms: this.gpgpu.numPendingPrograms,
      ...stats,
    };
  }

  dispose(): void {
    this.gpgpu.dispose();
  }
}

/** A new WebGL backend (throws a BackendError saying what is missing when it cannot start). */
export function createWebGLBackend(options: WebGLBackendOptions = {}): WebGLBackend {
  return new WebGLBackend(options);
}

/** Registers the WebGL backend under "webgl" (it starts on first use or `setBackend("webgl")`). */
export function registerWebGLBackend(priority = 0, options: WebGLBackendOptions = {}): void {
  registerBackend("webgl", () => createWebGLBackend(options), { priority });
}
