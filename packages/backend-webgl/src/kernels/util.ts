import { type DType, type Shape, stridesOf } from "@axon/core";
import type { GLBuffer } from "../gl/buffer.ts";
import { formatOf } from "../gl/buffer.ts";
import type { UniformSpec } from "../gl/program.ts";

/** GLSL type of an element of `dtype` as kernels see it: float for float32, int for int32 and bool. */
export function glType(dtype: DType): "float" | "int" {
  return formatOf(dtype) === "float" ? "float" : "int";
}

/**
 * Element strides of `inShape` read as `outShape` under NumPy broadcasting (right-aligned):
 * 0 on every axis that `inShape` lacks or holds as 1.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const inStrides = stridesOf(inShape);
  const lead = outShape.length - inShape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let d = lead; d < outShape.length; d++) out[d] = inShape[d - lead] === 1 ? 0 : inStrides[d - lead];
  return out;
}

/**
 * Drops axes of size 1 and merges neighbouring axes that are contiguous in every stride list, so
 * shaders do as few divisions as possible. A shape with no axes left becomes [1].
 */
export function collapse(
  shape: Shape,
  strides: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out = strides.map(() => [] as number[]);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (n === 1) continue;
    const k = dims.length - 1;
    if (k >= 0 && strides.every((s, i) => out[i][k] === s[d] * n)) {
      dims[k] *= n;
      for (let i = 0; i < strides.length; i++) out[i][k] = strides[i][d];
    } else {
      dims.push(n);
      for (let i = 0; i < strides.length; i++) out[i].push(strides[i][d]);
    }
  }
  if (dims.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  return { dims, strides: out };
}

/**
 * A strided walk over an output: `idx` (flat, row-major over `dims`) → one offset per stride list,
 * `offK = bases[K] + Σ coord_d · strides[K][d]` (`index` names the flat index). Returns the GLSL statements (declaring
 * `int off0, off1, …`) and their uniforms, named with `prefix`.
 */
export function stridedOffsets(
  prefix: string,
  dims: readonly number[],
  strides: readonly (readonly number[])[],
  bases?: readonly number[],
  index = "idx",
): { code: string; uniforms: UniformSpec[] } {
  const rank = dims.length;
  const uniforms: UniformSpec[] = [{ name: `${prefix}_dims`, type: "int", value: dims }];
  strides.forEach((s, k) => {
    uniforms.push({ name: `${prefix}_st${k}`, type: "int", value: s });
  });
  const lines: string[] = [];
  strides.forEach((_, k) => {
    if (bases) uniforms.push({ name: `${prefix}_base${k}`, type: "int", value: bases[k] });
    lines.push(`int ${prefix}${k} = ${bases ? `${prefix}_base${k}` : "0"};`);
  });
  lines.push(`int ${prefix}_rem = ${index};`);
  for (let d = rank - 1; d >= 1; d--) {
    lines.push(`{ int c = ${prefix}_rem % ${prefix}_dims[${d}]; ${prefix}_rem /= ${prefix}_dims[${d}];`);
    for (let k = 0; k < strides.length; k++) lines.push(`  ${prefix}${k} += c * ${prefix}_st${k}[${d}];`);
    lines.push("}");
  }
  for (let k = 0; k < strides.length; k++)
    lines.push(`${prefix}${k} += ${prefix}_rem * ${prefix}_st${k}[0];`);
  return { code: lines.join("\n  "), uniforms };
}

/** Offsets of several broadcast inputs at output index `idx`: GLSL declaring `int off0, off1, …`. */
export function broadcastOffsets(
  inShapes: readonly Shape[],
  outShape: Shape,
): { code: string; uniforms: UniformSpec[] } {
  const c = collapse(
    outShape,
    inShapes.map((s) => broadcastStrides(s, outShape)),
  );
  return stridedOffsets("off", c.dims, c.strides);
}

/** Uniforms and GLSL splitting `idx` into the coordinates `names` of `shape` (row-major). */
export function coordsOf(
  names: readonly string[],
  shape: Shape,
  prefix: string,
  index = "idx",
): { code: string; uniforms: UniformSpec[] } {
  const lines = [`int ${prefix}_r = ${index};`];
  for (let d = names.length - 1; d >= 1; d--) {
    lines.push(
      `int ${names[d]} = ${prefix}_r % ${prefix}_shape[${d}]; ${prefix}_r /= ${prefix}_shape[${d}];`,
    );
  }
  lines.push(`int ${names[0]} = ${prefix}_r;`);
  return {
    code: lines.join("\n  "),
    uniforms: [{ name: `${prefix}_shape`, type: "int", value: [...shape] }],
  };
}

/** A GLBuffer, for kernels that build temporaries. */
export type Buf = GLBuffer;
