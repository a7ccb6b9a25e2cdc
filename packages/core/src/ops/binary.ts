import { type DType, toFloat } from "../dtype.ts";
import { runPrimitive } from "../engine.ts";
import { ValueError } from "../errors.ts";
import type { BinaryPrim } from "../primitives/types.ts";
import type { Tensor } from "../tensor.ts";
import {
  type TensorLike,
  asTensors,
  castTo,
  checkBroadcast,
  checkTensor,
  checkTensorLike,
  describeValue,
  opScope,
  resultDType,
  scalarOf,
} from "./util.ts";

/** The dtype arithmetic runs in: the promoted dtype, with bool counted as int32 (true + true = 2). */
function arithDType(a: TensorLike, b: TensorLike): DType {
  const d = resultDType([a, b]);
  return d === "bool" ? "int32" : d;
}

function arith(prim: BinaryPrim, a: TensorLike, b: TensorLike, dtype?: DType): Tensor {
  checkTensorLike(prim, "a", a);
  checkTensorLike(prim, "b", b);
  const d = dtype ?? arithDType(a, b);
  return opScope(() => runPrimitive(prim, asTensors([a, b], d), {}));
}

/** a + b, broadcasting; either operand may be a number (a weak scalar that takes the tensor's dtype). */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return arith("add", a, b);
}

/** a − b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return arith("sub", a, b);
}

/** a · b elementwise, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return arith("mul", a, b);
}

/** True division: integer operands are promoted to float32 (`int32 / int32` is float32). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return arith("div", a, b, toFloat(resultDType([a, b])));
}

/** aᵇ elementwise; integer operands are promoted to float32. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return arith("pow", a, b, toFloat(resultDType([a, b])));
}

/** The larger of a and b elementwise (NaN wins). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return arith("maximum", a, b);
}

/** The smaller of a and b elementwise (NaN wins). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return arith("minimum", a, b);
}

/** The remainder of floored division: it has the sign of b, as in Python and NumPy (`mod(-7, 2)` is 1). */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  return arith("mod", a, b);
}

/**
 * ⌊a / b⌋ in the operands' dtype (int32 stays int32), consistent with `mod`: a = floorDiv(a, b)·b + mod(a, b).
 * For integers, (a − mod(a, b)) / b is an exact multiple: its quotient is estimated in float32 and
 * the estimate's error, an exact int32 multiple of b, is divided out once more, so the result is exact.
 */
export function floorDiv(a: TensorLike, b: TensorLike): Tensor {
  checkTensorLike("floorDiv", "a", a);
  checkTensorLike("floorDiv", "b", b);
  checkBroadcast("floorDiv", a, b);
  const d = arithDType(a, b);
  return opScope(() => {
    const [x, y] = asTensors([a, b], d);
    if (d !== "int32") return floatFloorDiv(x, y);
    const yf = castTo(y, "float32");
    const roundDiv = (n: Tensor): Tensor =>
      castTo(runPrimitive("round", [runPrimitive("div", [castTo(n, "float32"), yf], {})], {}), "int32");
    const multiple = runPrimitive("sub", [x, runPrimitive("mod", [x, y], {})], {});
    const q1 = roundDiv(multiple);
    const rest = runPrimitive("sub", [multiple, runPrimitive("mul", [q1, y], {})], {});
    return runPrimitive("add", [q1, roundDiv(rest)], {});
  });
}

/**
 * Python's float floor division: (x − mod(x, y)) / y is a whole number up to rounding, so rounding
 * it is exact even where division is not correctly rounded; a zero divisor gives x / y (±Inf, NaN).
 */
function floatFloorDiv(x: Tensor, y: Tensor): Tensor {
  const multiple = runPrimitive("sub", [x, runPrimitive("mod", [x, y], {})], {});
  const q = runPrimitive("round", [runPrimitive("div", [multiple, y], {})], {});
  const byZero = runPrimitive("equal", [y, scalarOf(0, y.dtype)], {});
  return runPrimitive("where", [byZero, runPrimitive("div", [x, y], {}), q], {});
}

/** x² (bool counts as int32). */
export function square(x: Tensor): Tensor {
  checkTensor("square", "x", x);
  return opScope(() => {
    const t = x.dtype === "bool" ? castTo(x, "int32") : x;
    return runPrimitive("mul", [t, t], {});
  });
}

/** x limited to [lo, hi] elementwise; lo and hi may be numbers or tensors (NaN stays NaN). */
export function clip(x: Tensor, lo: TensorLike, hi: TensorLike): Tensor {
  checkTensor("clip", "x", x);
  checkTensorLike("clip", "lo", lo);
  checkTensorLike("clip", "hi", hi);
  if (typeof lo === "number" && typeof hi === "number" && lo > hi) {
    throw new ValueError(`clip: lo must be <= hi, got lo ${lo} and hi ${hi}`);
  }
  if (typeof lo === "boolean" || typeof hi === "boolean") {
    throw new ValueError(
      `clip: lo and hi must be numbers or tensors, got ${describeValue(typeof lo === "boolean" ? lo : hi)}`,
    );
  }
  checkBroadcast("clip", x, lo, hi);
  const d = resultDType([x, lo, hi]);
  return opScope(() => {
    const [t, l, h] = asTensors([x, lo, hi], d === "bool" ? "int32" : d);
    return runPrimitive("minimum", [runPrimitive("maximum", [t, l], {}), h], {});
  });
}
