import {
  type DType,
  DTYPES,
  isDType,
  isFloat,
  promoteTypes,
  promoteWithScalar,
  typedArrayFor,
} from "../dtype.ts";
import { activeInterpreters, makeTensor, runPrimitive, tidy } from "../engine.ts";
import { DTypeError, ValueError, fmtShape } from "../errors.ts";
import { type Shape, broadcastShapes } from "../shape.ts";
import { Tensor } from "../tensor.ts";

/** A tensor, or a plain JS number/boolean that is a weak scalar (it takes the tensor's dtype). */
export type TensorLike = Tensor | number | boolean;

/** A short description of a value for error messages. */
export function describeValue(x: unknown): string {
  if (x instanceof Tensor) return `a Tensor of shape ${fmtShape(x.shape)} and dtype ${x.dtype}`;
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (typeof x === "string") return `the string '${x}'`;
  if (typeof x === "number" || typeof x === "boolean") return `${typeof x} ${String(x)}`;
  if (typeof x === "object") return `an object (${Object.prototype.toString.call(x).slice(8, -1)})`;
  return String(x);
}

export function checkTensor(op: string, arg: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: ${arg} must be a Tensor, got ${describeValue(x)}`);
}

export function checkTensorLike(op: string, arg: string, x: unknown): asserts x is TensorLike {
  if (!(x instanceof Tensor) && typeof x !== "number" && typeof x !== "boolean") {
    throw new ValueError(`${op}: ${arg} must be a Tensor or a number, got ${describeValue(x)}`);
  }
}

export function checkDType(op: string, arg: string, dtype: unknown): asserts dtype is DType {
  if (!isDType(dtype))
    throw new ValueError(`${op}: ${arg} must be one of ${DTYPES.join(", ")}, got ${describeValue(dtype)}`);
}

export function checkFloatDType(
  op: string,
  arg: string,
  dtype: unknown,
): asserts dtype is "float32" | "float64" {
  checkDType(op, arg, dtype);
  if (!isFloat(dtype)) throw new DTypeError(`${op}: ${arg} must be float32 or float64, got ${dtype}`);
}

export function checkNumeric(op: string, arg: string, x: Tensor): void {
  if (x.dtype === "bool")
    throw new DTypeError(`${op}: ${arg} must be numeric (float32, float64 or int32), got bool`);
}

export function checkBoolean(op: string, arg: string, v: unknown): asserts v is boolean {
  if (typeof v !== "boolean")
    throw new ValueError(`${op}: ${arg} must be true or false, got ${describeValue(v)}`);
}

export function checkInt(
  op: string,
  arg: string,
  v: unknown,
  min = Number.NEGATIVE_INFINITY,
): asserts v is number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    const range =
      min === Number.NEGATIVE_INFINITY
        ? "an integer"
        : min === 0
          ? "a non-negative integer"
          : `an integer >= ${min}`;
    throw new ValueError(`${op}: ${arg} must be ${range}, got ${describeValue(v)}`);
  }
}

export function checkFiniteNumber(op: string, arg: string, v: unknown): asserts v is number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new ValueError(`${op}: ${arg} must be a finite number, got ${describeValue(v)}`);
}

/** A shape argument: an array of non-negative integers. */
export function checkShapeArg(op: string, arg: string, shape: unknown): asserts shape is Shape {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    const given = Array.isArray(shape) ? `[${shape.map(String).join(",")}]` : describeValue(shape);
    throw new ValueError(`${op}: ${arg} must be an array of non-negative integers, got ${given}`);
  }
}

/** A 0-d tensor holding `value` (bool stores value != 0). */
export function scalarOf(value: number | boolean, dtype: DType): Tensor {
  const data = typedArrayFor(dtype, 1);
  data[0] = dtype === "bool" ? (value ? 1 : 0) : Number(value);
  return makeTensor(data, [], dtype);
}

/** `x` converted to `dtype` (the same tensor when it already has it). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : runPrimitive("cast", [x], { dtype });
}

/** A new handle on the same data, so that disposing an op's result never disposes its input. */
export function identity(x: Tensor): Tensor {
  return runPrimitive("reshape", [x], { shape: x.shape });
}

/** The dtype of a weak scalar combined with nothing else: bool for booleans, float32 for numbers. */
function scalarDType(v: number | boolean): DType {
  return typeof v === "boolean" ? "bool" : "float32";
}

/** The common dtype of operands under the promotion lattice and the weak-scalar rule. */
export function resultDType(values: readonly TensorLike[]): DType {
  const tensors = values.filter((v): v is Tensor => v instanceof Tensor);
  const scalars = values.filter((v): v is number | boolean => !(v instanceof Tensor));
  if (tensors.length === 0) return scalars.map(scalarDType).reduce(promoteTypes, "bool");
  let dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  for (const s of scalars) dtype = promoteWithScalar(dtype, s);
  return dtype;
}

/** Operands as tensors of one dtype: tensors cast, scalars made 0-d. */
export function asTensors(values: readonly TensorLike[], dtype: DType): Tensor[] {
  return values.map((v) => (v instanceof Tensor ? castTo(v, dtype) : scalarOf(v, dtype)));
}

/** `x` promoted to a float dtype (int32 and bool become float32). */
export function asFloat(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : castTo(x, "float32");
}

/**
 * Runs the body of a composite op. With no interpreter recording (no tape, no tracer), its
 * intermediate tensors are released at once; when one records, they must stay alive for it.
 */
export function opScope<T>(fn: () => T): T {
  return activeInterpreters().length === 0 ? tidy(fn) : fn();
}

/** `shape` with the reduced `axes` put back as size-1 dimensions. */
export function keptShape(shape: Shape, axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** The product of the dimensions of `shape` over `axes`. */
export function countOver(shape: Shape, axes: readonly number[]): number {
  let n = 1;
  for (const a of axes) n *= shape[a];
  return n;
}

/** A number or a pair of numbers, as a pair. */
export function pairOf(op: string, arg: string, v: unknown): [number, number] {
  if (typeof v === "number") return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === "number")) return [v[0], v[1]];
  throw new ValueError(
    `${op}: ${arg} must be a number or a pair of numbers, got ${Array.isArray(v) ? `[${v.join(",")}]` : describeValue(v)}`,
  );
}

/**
 * The maximum over `axes` with the axes kept, replaced by 0 where it is not finite, so that
 * subtracting it never makes −Inf − (−Inf) = NaN. Empty axes give 0.
 */
export function stableMax(t: Tensor, axes: readonly number[]): Tensor {
  const shape = keptShape(t.shape, axes);
  if (axes.some((a) => t.shape[a] === 0))
    return runPrimitive("broadcastTo", [scalarOf(0, t.dtype)], { shape });
  const m = runPrimitive("reshape", [runPrimitive("max", [t], { axes })], { shape });
  const finite = runPrimitive("equal", [runPrimitive("sub", [m, m], {}), scalarOf(0, t.dtype)], {});
  return runPrimitive("where", [finite, m, scalarOf(0, t.dtype)], {});
}

/** A positive-integer pair from a number or a pair. */
export function positivePair(op: string, arg: string, v: unknown): [number, number] {
  const p = pairOf(op, arg, v);
  if (p.some((e) => !Number.isInteger(e) || e < 1))
    throw new ValueError(`${op}: ${arg} must be positive integers, got [${p.join(",")}]`);
  return p;
}

/** Throws a ShapeError naming `op` unless the operands broadcast together (ops built from several primitives check up front). */
export function checkBroadcast(op: string, ...values: readonly TensorLike[]): void {
  broadcastShapes(op, ...values.map((v) => (v instanceof Tensor ? v.shape : [])));
}
