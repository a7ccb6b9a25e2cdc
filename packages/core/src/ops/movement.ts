import type { DType } from "../dtype.ts";
import { makeTensor, runPrimitive } from "../engine.ts";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.ts";
import { type Shape, normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import {
  type TensorLike,
  asTensors,
  castTo,
  checkDType,
  checkInt,
  checkTensor,
  checkTensorLike,
  describeValue,
  identity,
  opScope,
  resultDType,
} from "./util.ts";

const list = (v: readonly unknown[]): string => `[${v.map(String).join(",")}]`;

/** `shape` with its one −1 (if any) replaced by the size that keeps `size` elements. */
function inferReshape(op: string, size: number, fromShape: Shape, shape: readonly number[]): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < -1)) {
    throw new ValueError(
      `${op}: shape must be an array of non-negative integers with at most one -1, got ${Array.isArray(shape) ? list(shape) : describeValue(shape)}`,
    );
  }
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new ValueError(`${op}: shape may contain at most one -1, got ${list(shape)}`);
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (unknown === 1) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(
        `${op}: cannot reshape a tensor of shape ${fmtShape(fromShape)} (${size} elements) to ${list(shape)}`,
      );
    }
    return shape.map((d) => (d === -1 ? size / known : d));
  }
  if (known !== size) {
    throw new ShapeError(
      `${op}: cannot reshape a tensor of shape ${fmtShape(fromShape)} (${size} elements) to ${list(shape)} (${known} elements)`,
    );
  }
  return [...shape];
}

/** The same elements in a new shape (row-major); one dimension may be −1 to be inferred. Shares the data. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("reshape", "x", x);
  return runPrimitive("reshape", [x], { shape: inferReshape("reshape", x.size, x.shape, shape) });
}

/** The elements as a 1-D tensor. */
export function flatten(x: Tensor): Tensor {
  checkTensor("flatten", "x", x);
  return runPrimitive("reshape", [x], { shape: [x.size] });
}

/** Inserts a size-1 dimension at `axis` (in [−rank−1, rank]). */
export function expandDims(x: Tensor, axis = 0): Tensor {
  checkTensor("expandDims", "x", x);
  const a = normalizeAxis("expandDims", axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return runPrimitive("reshape", [x], { shape });
}

/** Removes size-1 dimensions: those in `axis`, or every one when omitted. */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor("squeeze", "x", x);
  let axes: number[];
  if (axis === undefined) axes = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    axes = normalizeAxes("squeeze", axis, x.rank);
    for (const a of axes) {
      if (x.shape[a] !== 1)
        throw new ShapeError(
          `squeeze: axis ${a} has size ${x.shape[a]}, expected 1, in shape ${fmtShape(x.shape)}`,
        );
    }
  }
  return runPrimitive("reshape", [x], { shape: x.shape.filter((_, i) => !axes.includes(i)) });
}

/** Permutes the dimensions: output axis i is input axis perm[i]. Without perm, reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor("transpose", "x", x);
  const rank = x.rank;
  let p: number[];
  if (perm === undefined) p = Array.from({ length: rank }, (_, i) => rank - 1 - i);
  else {
    if (!Array.isArray(perm))
      throw new ValueError(`transpose: perm must be an array of axes, got ${describeValue(perm)}`);
    if (perm.length !== rank) {
      throw new ShapeError(
        `transpose: perm must have ${rank} entries for shape ${fmtShape(x.shape)}, got ${list(perm)}`,
      );
    }
    p = perm.map((a) => normalizeAxis("transpose", a, rank, "perm entry"));
    if (new Set(p).size !== rank)
      throw new ShapeError(`transpose: perm must be a permutation of 0..${rank - 1}, got ${list(perm)}`);
  }
  return runPrimitive("transpose", [x], { perm: p });
}

/** Broadcasts x to `shape` by NumPy rules (align on the right, stretch size-1 dimensions). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor("broadcastTo", "x", x);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(
      `broadcastTo: shape must be an array of non-negative integers, got ${Array.isArray(shape) ? list(shape) : describeValue(shape)}`,
    );
  }
  return runPrimitive("broadcastTo", [x], { shape: [...shape] });
}

/**
 * The block starting at `begin` with `size` elements along each axis. A negative begin counts from
 * the end, a size of −1 runs to the end; missing trailing entries take whole axes, and a number
 * stands for a one-entry array.
 */
export function slice(
  x: Tensor,
  begin: number | readonly number[],
  size?: number | readonly number[],
): Tensor {
  checkTensor("slice", "x", x);
  const b = typeof begin === "number" ? [begin] : begin;
  const s = size === undefined ? [] : typeof size === "number" ? [size] : size;
  if (!Array.isArray(b) || b.length > x.rank || b.some((v) => !Number.isInteger(v))) {
    throw new ValueError(
      `slice: begin must be at most ${x.rank} integers for shape ${fmtShape(x.shape)}, got ${Array.isArray(b) ? list(b) : describeValue(begin)}`,
    );
  }
  if (!Array.isArray(s) || s.length > x.rank || s.some((v) => !Number.isInteger(v) || v < -1)) {
    throw new ValueError(
      `slice: size must be at most ${x.rank} integers >= -1 for shape ${fmtShape(x.shape)}, got ${Array.isArray(s) ? list(s) : describeValue(size)}`,
    );
  }
  const beginN: number[] = [];
  const sizeN: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const dim = x.shape[i];
    let bi = b[i] ?? 0;
    if (bi < 0) bi += dim;
    if (bi < 0 || bi > dim) {
      throw new ShapeError(
        `slice: begin ${b[i]} is out of range for axis ${i} of size ${dim} (shape ${fmtShape(x.shape)})`,
      );
    }
    const si = s[i] === undefined || s[i] === -1 ? dim - bi : s[i];
    if (bi + si > dim) {
      throw new ShapeError(
        `slice: begin ${bi} + size ${si} exceeds axis ${i} of size ${dim} (shape ${fmtShape(x.shape)})`,
      );
    }
    beginN.push(bi);
    sizeN.push(si);
  }
  return runPrimitive("slice", [x], { begin: beginN, size: sizeN });
}

/** Pads every axis with `paddings[i] = [before, after]` copies of `constantValue`. */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], constantValue = 0): Tensor {
  checkTensor("pad", "x", x);
  if (!Array.isArray(paddings) || paddings.length !== x.rank) {
    throw new ShapeError(
      `pad: paddings must have one [before, after] pair per axis (${x.rank} for shape ${fmtShape(x.shape)}), got ${Array.isArray(paddings) ? paddings.length : describeValue(paddings)}`,
    );
  }
  for (const p of paddings) {
    if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new ValueError(
        `pad: each padding must be [before, after] of non-negative integers, got ${Array.isArray(p) ? list(p) : describeValue(p)}`,
      );
    }
  }
  if (typeof constantValue !== "number")
    throw new ValueError(`pad: constantValue must be a number, got ${describeValue(constantValue)}`);
  if (x.dtype === "int32" && !Number.isInteger(constantValue)) {
    throw new ValueError(`pad: constantValue must be an integer for an int32 tensor, got ${constantValue}`);
  }
  return runPrimitive("pad", [x], {
    paddings: paddings.map((p) => [p[0], p[1]] as const),
    value: constantValue,
  });
}

function checkTensorList(op: string, tensors: unknown): asserts tensors is Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ValueError(
      `${op}: tensors must be a non-empty array of tensors, got ${Array.isArray(tensors) ? "an empty array" : describeValue(tensors)}`,
    );
  }
  tensors.forEach((t, i) => {
    checkTensor(op, `tensors[${i}]`, t);
  });
}

/** Joins tensors along an existing axis; dtypes are promoted to a common one. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensorList("concat", tensors);
  const first = tensors[0];
  if (first.rank === 0) throw new ShapeError("concat: cannot concatenate scalars (rank 0); use stack");
  const a = normalizeAxis("concat", axis, first.rank);
  tensors.forEach((t, k) => {
    const ok = t.rank === first.rank && t.shape.every((d, i) => i === a || d === first.shape[i]);
    if (!ok) {
      throw new ShapeError(
        `concat: tensors[${k}] has shape ${fmtShape(t.shape)}, which does not match tensors[0] ${fmtShape(first.shape)} outside axis ${a}`,
      );
    }
  });
  const d = resultDType(tensors);
  if (tensors.length === 1) return castTo(identity(first), d);
  return opScope(() => runPrimitive("concat", asTensors(tensors, d), { axis: a }));
}

/** Joins tensors of one shape along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensorList("stack", tensors);
  const first = tensors[0];
  const a = normalizeAxis("stack", axis, first.rank + 1);
  tensors.forEach((t, k) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: tensors[${k}] has shape ${fmtShape(t.shape)}, expected ${fmtShape(first.shape)} like tensors[0]`,
      );
    }
  });
  const d = resultDType(tensors);
  const shape = [...first.shape];
  shape.splice(a, 0, 1);
  return opScope(() => {
    const parts = asTensors(tensors, d).map((t) => runPrimitive("reshape", [t], { shape }));
    return parts.length === 1 ? parts[0] : runPrimitive("concat", parts, { axis: a });
  });
}

/** The slices of x along `axis`, each without that axis (the inverse of `stack`). */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  checkTensor("unstack", "x", x);
  const a = normalizeAxis("unstack", axis, x.rank);
  const outShape = x.shape.filter((_, i) => i !== a);
  return Array.from({ length: x.shape[a] }, (_, k) => {
    const begin = x.shape.map((_, i) => (i === a ? k : 0));
    const size = x.shape.map((d, i) => (i === a ? 1 : d));
    return opScope(() =>
      runPrimitive("reshape", [runPrimitive("slice", [x], { begin, size })], { shape: outShape }),
    );
  });
}

/**
 * Splits x along `axis` into `numOrSizes` equal parts, or into parts of the given sizes (one of
 * which may be −1 for the rest).
 */
export function split(x: Tensor, numOrSizes: number | readonly number[], axis = 0): Tensor[] {
  checkTensor("split", "x", x);
  const a = normalizeAxis("split", axis, x.rank);
  const dim = x.shape[a];
  let sizes: number[];
  if (typeof numOrSizes === "number") {
    checkInt("split", "numOrSizes", numOrSizes, 1);
    if (dim % numOrSizes !== 0) {
      throw new ValueError(
        `split: axis ${a} of size ${dim} cannot be split into ${numOrSizes} equal parts (shape ${fmtShape(x.shape)})`,
      );
    }
    sizes = new Array(numOrSizes).fill(dim / numOrSizes);
  } else {
    if (!Array.isArray(numOrSizes) || numOrSizes.some((s) => !Number.isInteger(s) || s < -1)) {
      throw new ValueError(
        `split: numOrSizes must be a positive integer or an array of sizes (>= 0, one may be -1), got ${Array.isArray(numOrSizes) ? list(numOrSizes) : describeValue(numOrSizes)}`,
      );
    }
    const unknown = numOrSizes.filter((s) => s === -1).length;
    const known = numOrSizes.reduce((p, s) => (s === -1 ? p : p + s), 0);
    if (unknown > 1) throw new ValueError(`split: sizes may contain at most one -1, got ${list(numOrSizes)}`);
    if ((unknown === 0 && known !== dim) || (unknown === 1 && known > dim)) {
      throw new ShapeError(
        `split: sizes ${list(numOrSizes)} do not add up to axis ${a} of size ${dim} (shape ${fmtShape(x.shape)})`,
      );
    }
    sizes = numOrSizes.map((s) => (s === -1 ? dim - known : s));
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === a ? offset : 0));
    const size = x.shape.map((d, i) => (i === a ? s : d));
    offset += s;
    return runPrimitive("slice", [x], { begin, size });
  });
}

/** Indices given as numbers (nested arrays allowed; negative count from the end) or an int32 tensor. */
export type Indices = Tensor | number | readonly number[] | readonly (readonly number[])[];

/** Host-side indices as an int32 tensor, checked against `dim` and wrapped when negative (no check when dim is null). */
function indexTensor(op: string, indices: Indices, dim: number | null): Tensor {
  if (indices instanceof Tensor) {
    if (indices.dtype !== "int32")
      throw new DTypeError(`${op}: indices must have dtype int32, got ${indices.dtype}`);
    return indices;
  }
  const shape: number[] = [];
  const flat: number[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (Array.isArray(v)) {
      if (shape.length === depth) shape.push(v.length);
      else if (shape[depth] !== v.length) throw new ShapeError(`${op}: indices form a ragged array`);
      for (const e of v) walk(e, depth + 1);
      return;
    }
    if (typeof v !== "number" || !Number.isInteger(v))
      throw new ValueError(`${op}: indices must be integers, got ${describeValue(v)}`);
    if (depth !== shape.length) throw new ShapeError(`${op}: indices form a ragged array`);
    if (dim === null) {
      if (v < -2147483648 || v > 2147483647) throw new ValueError(`${op}: index ${v} does not fit in int32`);
      flat.push(v);
      return;
    }
    if (v < -dim || v >= dim)
      throw new ValueError(
        `${op}: index ${v} is out of range for an axis of size ${dim} (expected ${-dim}..${dim - 1})`,
      );
    flat.push(v < 0 ? v + dim : v);
  };
  walk(indices, 0);
  if (shape.length > 0 && sizeOf(shape) !== flat.length)
    throw new ShapeError(`${op}: indices form a ragged array`);
  return makeTensor(Int32Array.from(flat), shape, "int32");
}

/**
 * Picks slices of x along `axis`: out.shape = x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:].
 * Indices given as numbers are checked and may be negative; an int32 tensor is used as is.
 */
export function gather(x: Tensor, indices: Indices, axis = 0): Tensor {
  checkTensor("gather", "x", x);
  const a = normalizeAxis("gather", axis, x.rank);
  return opScope(() => runPrimitive("gather", [x, indexTensor("gather", indices, x.shape[a])], { axis: a }));
}

/**
 * x plus `updates` added at `indices` along `axis` (repeated indices accumulate): the transpose of
 * gather. updates.shape must be x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:].
 */
export function scatterAdd(x: Tensor, indices: Indices, updates: Tensor, axis = 0): Tensor {
  checkTensor("scatterAdd", "x", x);
  checkTensor("scatterAdd", "updates", updates);
  const a = normalizeAxis("scatterAdd", axis, x.rank);
  return opScope(() => {
    const idx = indexTensor("scatterAdd", indices, x.shape[a]);
    const expected = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
    if (!shapesEqual(updates.shape, expected)) {
      throw new ShapeError(
        `scatterAdd: updates must have shape ${fmtShape(expected)} for x ${fmtShape(x.shape)} and indices ${fmtShape(idx.shape)} at axis ${a}, got ${fmtShape(updates.shape)}`,
      );
    }
    let d = resultDType([x, updates]);
    if (d === "bool") d = "int32";
    const [xt, ut] = asTensors([x, updates], d);
    const scattered = runPrimitive("scatterAdd", [ut, idx], { axis: a, size: x.shape[a] });
    return runPrimitive("add", [xt, scattered], {});
  });
}

/**
 * One-hot vectors: a new last axis of length `depth` holding `onValue` at each index and
 * `offValue` elsewhere (an index outside [0, depth) gives a row of offValue). float32 by default.
 */
export function oneHot(
  indices: Tensor | number | readonly number[],
  depth: number,
  onValue: TensorLike = 1,
  offValue: TensorLike = 0,
  dtype: DType = "float32",
): Tensor {
  checkInt("oneHot", "depth", depth, 0);
  checkTensorLike("oneHot", "onValue", onValue);
  checkTensorLike("oneHot", "offValue", offValue);
  checkDType("oneHot", "dtype", dtype);
  if (!(indices instanceof Tensor) && typeof indices !== "number" && !Array.isArray(indices)) {
    throw new ValueError(
      `oneHot: indices must be an int32 tensor or an array of integers, got ${describeValue(indices)}`,
    );
  }
  return opScope(() => {
    let idx: Tensor;
    if (indices instanceof Tensor) {
      if (indices.dtype !== "int32")
        throw new DTypeError(`oneHot: indices must have dtype int32, got ${indices.dtype}`);
      idx = indices;
    } else idx = indexTensor("oneHot", indices, null);
    const classes = makeTensor(
      Int32Array.from({ length: depth }, (_, i) => i),
      [depth],
      "int32",
    );
    const expanded = runPrimitive("reshape", [idx], { shape: [...idx.shape, 1] });
    const mask = runPrimitive("equal", [expanded, classes], {});
    const [on, off] = asTensors([onValue, offValue], dtype);
    return runPrimitive("where", [mask, on, off], {});
  });
}

/** Repeats x `reps[i]` times along each axis i (reps has one entry per axis). */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  checkTensor("tile", "x", x);
  if (!Array.isArray(reps) || reps.length !== x.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new ValueError(
      `tile: reps must be ${x.rank} non-negative integers for shape ${fmtShape(x.shape)}, got ${Array.isArray(reps) ? list(reps) : describeValue(reps)}`,
    );
  }
  return opScope(() => {
    // [d0, d1] → [1, d0, 1, d1] → broadcast [r0, d0, r1, d1] → [r0·d0, r1·d1]
    const interleaved = runPrimitive("reshape", [x], { shape: x.shape.flatMap((d) => [1, d]) });
    const wide = runPrimitive("broadcastTo", [interleaved], {
      shape: x.shape.flatMap((d, i) => [reps[i], d]),
    });
    return runPrimitive("reshape", [wide], { shape: x.shape.map((d, i) => d * reps[i]) });
  });
}

/** Reverses the order of elements along `axis` (or several axes). */
export function reverse(x: Tensor, axis?: number | readonly number[]): Tensor {
  checkTensor("reverse", "x", x);
  const axes = normalizeAxes("reverse", axis, x.rank);
  return opScope(() => {
    let y = x;
    for (const a of axes) {
      const n = x.shape[a];
      const idx = makeTensor(
        Int32Array.from({ length: n }, (_, i) => n - 1 - i),
        [n],
        "int32",
      );
      y = runPrimitive("gather", [y, idx], { axis: a });
    }
    return y === x ? identity(x) : y;
  });
}
