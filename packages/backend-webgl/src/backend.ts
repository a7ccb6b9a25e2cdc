import {
  type Backend,
  type BufferInfo,
  type DType,
  DTypeError,
  type KernelTable,
  type OutputSpec,
  type PrimAttrs,
  type PrimName,
  type TypedArray,
  registerBackend,
} from "@axon/core";
import type { GLBuffer } from "./gl/buffer.ts";
import { type GLContext, createGLContext } from "./gl/context.ts";
import { GPGPU } from "./gl/gpgpu.ts";
import { makeKernelTable } from "./kernels/index.ts";

const DTYPES: readonly DType[] = ["float32", "int32", "bool"];

/**
 * The WebGL2 backend: float32 in RGBA32F textures and int32/bool in RGBA32I textures, flat
 * row-major with four elements a texel, one fragment shader per kernel. Needs a browser with
 * WebGL2 and EXT_color_buffer_float.
 */
export class WebGLBackend implements Backend<GLBuffer> {
  readonly name = "webgl";
  readonly dtypes = DTYPES;
  readonly gpgpu: GPGPU;
  readonly #kernels: KernelTable<GLBuffer>;

  /** Throws a BackendError when WebGL2 or float render targets are missing. */
  constructor(ctx: GLContext = createGLContext()) {
    this.gpgpu = new GPGPU(ctx);
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
    return this.#kernels[prim](inputs, attrs, out);
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
      textures: pool.numTextures,
      textureBytes: pool.numBytes,
      pooledTextures: pool.pooled,
      pooledBytes: pool.pooledBytes,
      programs: this.gpgpu.numPrograms,
      ...stats,
    };
  }

  dispose(): void {
    this.gpgpu.dispose();
  }
}

/** A new WebGL backend (throws a BackendError saying what is missing when it cannot start). */
export function createWebGLBackend(): WebGLBackend {
  return new WebGLBackend();
}

/** Registers the WebGL backend under "webgl" (it starts on first use or `setBackend("webgl")`). */
export function registerWebGLBackend(priority = 0): void {
  registerBackend("webgl", createWebGLBackend, { priority });
}
