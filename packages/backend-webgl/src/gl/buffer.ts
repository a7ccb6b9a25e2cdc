import type { DType, TypedArray } from "@axon/core";

/** How elements sit in a texture: float32 as RGBA32F, int32 and bool as exact RGBA32I. */
export type TexFormat = "float" | "int";

export function formatOf(dtype: DType): TexFormat {
  return dtype === "float32" ? "float" : "int";
}

/** Elements per texel: RGBA32F / RGBA32I textures hold four consecutive elements in a texel. */
export const TEXEL = 4;

/**
 * The 2-D layout of a flat row-major array of `size` elements, four to a texel: element i is
 * component i & 3 of texel t = i >> 2, and `width` is a power of two near √texels, so texel t sits
 * at (t & (width − 1), t >> log2(width)). Reshape is free.
 */
export interface TexLayout {
  readonly width: number;
  readonly height: number;
  readonly shift: number;
}

export function layoutOf(size: number): TexLayout {
  const texels = Math.ceil(size / TEXEL);
  if (texels <= 1) return { width: 1, height: 1, shift: 0 };
  const shift = Math.ceil(Math.log2(Math.sqrt(texels)));
  const width = 2 ** shift;
  return { width, height: Math.ceil(texels / width), shift };
}

/** Bytes of a texture of `layout` (16 a texel). */
export const layoutBytes = (layout: TexLayout): number => layout.width * layout.height * TEXEL * 4;

/**
 * The backend's buffer: a texture on the GPU and/or a host copy. Data written from JS, and the
 * results of primitives evaluated on the host, stay on the host until a GPU kernel needs them (then
 * they are uploaded once); a buffer read back keeps its values when small, since a buffer never
 * changes after it is made. A buffer with host values is what host evaluation may read.
 */
export class GLBuffer {
  texture: WebGLTexture | null = null;
  values: TypedArray | null;
  pendingRead: Promise<TypedArray> | null = null;
  freed = false;
  /** Made while compiling only (`GPGPU.compileOnly`): it was never drawn and has no values. */
  placeholder = false;
  readonly layout: TexLayout;
  readonly format: TexFormat;

  constructor(
    readonly size: number,
    readonly dtype: DType,
    values: TypedArray | null,
  ) {
    this.values = values;
    this.layout = layoutOf(size);
    this.format = formatOf(dtype);
  }

  get bytes(): number {
    return layoutBytes(this.layout);
  }
}
