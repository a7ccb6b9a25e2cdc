import { type DType, type TypedArray, dtypeOfTypedArray, typedArrayFor } from "../dtype.ts";
import { makeTensor } from "../engine.ts";
import { ShapeError, ValueError, fmtShape } from "../errors.ts";
import { sizeOf } from "../shape.ts";
import { type NestedArray, Tensor } from "../tensor.ts";
import {
  checkDType,
  checkFiniteNumber,
  checkInt,
  checkShapeArg,
  checkTensor,
  describeValue,
} from "./util.ts";

/** What `tensor` accepts: nested arrays of numbers or booleans, a typed array, or one number/boolean. */
export type TensorInput = NestedArray | readonly NestedArray[] | ArrayLike<number> | TypedArray;

const isView = (v: unknown): v is ArrayLike<number> => ArrayBuffer.isView(v) && !(v instanceof DataView);

/** Copies `values` into the typed array of `dtype` (int32 truncates toward zero, bool is value != 0). */
function convert(values: ArrayLike<number | boolean>, dtype: DType): TypedArray {
  const out = typedArrayFor(dtype, values.length);
  if (dtype === "bool") for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  else for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
  return out;
}

/** Flattens nested arrays, inferring the shape and refusing ragged nesting or non-numbers. */
function flattenNested(
  op: string,
  values: unknown,
): { shape: number[]; flat: (number | boolean)[]; allBool: boolean } {
  const shape: number[] = [];
  let v: unknown = values;
  while (Array.isArray(v) || isView(v)) {
    shape.push((v as ArrayLike<unknown>).length);
    v = (v as ArrayLike<unknown>)[0];
  }
  const flat: (number | boolean)[] = [];
  let allBool = true;
  // One shared index stack: the element's position is only turned into text for an error.
  const path: number[] = [];
  const where = (): string => `[${path.join(",")}]`;
  const walk = (node: unknown, depth: number): void => {
    if (depth < shape.length) {
      if (!Array.isArray(node) && !isView(node)) {
        throw new ShapeError(
          `${op}: ragged nested array: element ${where()} is ${describeValue(node)}, expected an array of length ${shape[depth]}`,
        );
      }
      const arr = node as ArrayLike<unknown>;
      if (arr.length !== shape[depth]) {
        throw new ShapeError(
          `${op}: ragged nested array: element ${where()} has length ${arr.length}, expected ${shape[depth]} (like the first at that depth)`,
        );
      }
      for (let i = 0; i < arr.length; i++) {
        path.push(i);
        walk(arr[i], depth + 1);
        path.pop();
      }
      return;
    }
    if (Array.isArray(node) || isView(node)) {
      throw new ShapeError(
        `${op}: ragged nested array: element ${where()} is an array, expected a number at depth ${depth}`,
      );
    }
    if (typeof node === "number") allBool = false;
    else if (typeof node !== "boolean")
      throw new ValueError(
        `${op}: element ${where()} must be a number or boolean, got ${describeValue(node)}`,
      );
    flat.push(node);
  };
  walk(values, 0);
  return { shape, flat, allBool };
}

/**
 * A tensor from nested arrays (shape inferred), a typed array (1-D unless `shape` is given), or a
 * number/boolean (a scalar). The dtype is `dtype` if given, else: bool for booleans, float32 for
 * numbers, and a typed array's own (Float32Array → float32, Float64Array → float64, Int32Array →
 * int32, Uint8Array → bool; other integer arrays → int32). `shape` may reshape flat values of the
 * same size. The values are copied.
 */
export function tensor(values: TensorInput, shape?: readonly number[], dtype?: DType): Tensor {
  if (values instanceof Tensor)
    throw new ValueError(
      "tensor: values is already a Tensor (use cast, reshape or an op to derive a new one)",
    );
  if (shape !== undefined) checkShapeArg("tensor", "shape", shape);
  if (dtype !== undefined) checkDType("tensor", "dtype", dtype);
  let inferredShape: number[];
  let data: ArrayLike<number | boolean>;
  let inferredDType: DType;
  if (typeof values === "number" || typeof values === "boolean") {
    inferredShape = [];
    data = [values];
    inferredDType = typeof values === "boolean" ? "bool" : "float32";
  } else if (isView(values)) {
    inferredShape = [values.length];
    data = values;
    inferredDType = dtypeOfTypedArray(values) ?? (isFloatView(values) ? "float32" : "int32");
  } else if (Array.isArray(values)) {
    const f = flattenNested("tensor", values);
    inferredShape = f.shape;
    data = f.flat;
    inferredDType = f.allBool && f.flat.length > 0 ? "bool" : "float32";
  } else {
    throw new ValueError(
      `tensor: values must be a nested array, a typed array, a number or a boolean, got ${describeValue(values)}`,
    );
  }
  const finalShape = shape ? [...shape] : inferredShape;
  if (sizeOf(finalShape) !== data.length) {
    throw new ShapeError(
      `tensor: shape ${fmtShape(finalShape)} needs ${sizeOf(finalShape)} values, got ${data.length} (of shape ${fmtShape(inferredShape)})`,
    );
  }
  const d = dtype ?? inferredDType;
  // bool is always rewritten so that a Uint8Array holding 255 stores 1.
  const typed =
    d !== "bool" && dtypeOfTypedArray(data as ArrayLike<number>) === d
      ? (data as TypedArray)
      : convert(data, d);
  return makeTensor(typed, finalShape, d);
}

/** Float16Array and friends hold floats; every other non-standard view holds integers. */
function isFloatView(v: ArrayLike<number>): boolean {
  return /Float/.test(Object.prototype.toString.call(v));
}

/** A 0-d tensor. */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new ValueError(`scalar: value must be a number or boolean, got ${describeValue(value)}`);
  }
  return tensor(value, [], dtype);
}

/** A tensor of `shape` filled with `value`; dtype bool for a boolean, else float32 unless given. */
export function full(shape: readonly number[], value: number | boolean, dtype?: DType): Tensor {
  checkShapeArg("full", "shape", shape);
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new ValueError(`full: value must be a number or boolean, got ${describeValue(value)}`);
  }
  const d = dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  checkDType("full", "dtype", d);
  const data = typedArrayFor(d, sizeOf(shape));
  data.fill(d === "bool" ? (value ? 1 : 0) : Number(value));
  return makeTensor(data, [...shape], d);
}

/** A tensor of zeros (float32 unless `dtype` is given). */
export function zeros(shape: readonly number[], dtype: DType = "float32"): Tensor {
  checkShapeArg("zeros", "shape", shape);
  checkDType("zeros", "dtype", dtype);
  return makeTensor(typedArrayFor(dtype, sizeOf(shape)), [...shape], dtype);
}

/** A tensor of ones (float32 unless `dtype` is given). */
export function ones(shape: readonly number[], dtype: DType = "float32"): Tensor {
  checkShapeArg("ones", "shape", shape);
  checkDType("ones", "dtype", dtype);
  return full(shape, 1, dtype);
}

/** Zeros of x's shape and (unless given) dtype. */
export function zerosLike(x: Tensor, dtype?: DType): Tensor {
  checkTensor("zerosLike", "x", x);
  return zeros(x.shape, dtype ?? x.dtype);
}

/** Ones of x's shape and (unless given) dtype. */
export function onesLike(x: Tensor, dtype?: DType): Tensor {
  checkTensor("onesLike", "x", x);
  return ones(x.shape, dtype ?? x.dtype);
}

/** `value` in x's shape and (unless given) dtype. */
export function fullLike(x: Tensor, value: number | boolean, dtype?: DType): Tensor {
  checkTensor("fullLike", "x", x);
  return full(x.shape, value, dtype ?? x.dtype);
}

/**
 * start, start + step, … up to but excluding stop; `arange(n)` is 0..n−1. float32 unless `dtype`
 * is given (as TF.js `range`).
 */
export function arange(start: number, stop?: number, step = 1, dtype: DType = "float32"): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  checkFiniteNumber("arange", "start", start);
  checkFiniteNumber("arange", "stop", stop);
  checkFiniteNumber("arange", "step", step);
  checkDType("arange", "dtype", dtype);
  if (step === 0) throw new ValueError("arange: step must be nonzero, got 0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return makeTensor(convert(values, dtype), [n], dtype);
}

/** `num` evenly spaced values from start to stop, both included. float32 unless `dtype` is given. */
export function linspace(start: number, stop: number, num: number, dtype: DType = "float32"): Tensor {
  checkFiniteNumber("linspace", "start", start);
  checkFiniteNumber("linspace", "stop", stop);
  checkInt("linspace", "num", num, 0);
  checkDType("linspace", "dtype", dtype);
  const values = new Float64Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) values[i] = start + i * step;
  if (num > 1) values[num - 1] = stop;
  return makeTensor(convert(values, dtype), [num], dtype);
}

/** The n × m identity matrix (ones on the diagonal). float32 unless `dtype` is given. */
export function eye(n: number, m: number = n, dtype: DType = "float32"): Tensor {
  checkInt("eye", "n", n, 0);
  checkInt("eye", "m", m, 0);
  checkDType("eye", "dtype", dtype);
  const data = typedArrayFor(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return makeTensor(data, [n, m], dtype);
}
