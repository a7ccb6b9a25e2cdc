import { isFloat } from "../dtype.ts";
import { runPrimitive } from "../engine.ts";
import { DTypeError } from "../errors.ts";
import type { ComparePrim } from "../primitives/types.ts";
import type { Tensor } from "../tensor.ts";
import {
  type TensorLike,
  asTensors,
  checkDType,
  checkTensor,
  checkTensorLike,
  identity,
  opScope,
  resultDType,
  scalarOf,
} from "./util.ts";

function compare(prim: ComparePrim, a: TensorLike, b: TensorLike): Tensor {
  checkTensorLike(prim, "a", a);
  checkTensorLike(prim, "b", b);
  const d = resultDType([a, b]);
  return opScope(() => runPrimitive(prim, asTensors([a, b], d), {}));
}

/** a == b elementwise (bool), after promoting both to a common dtype; broadcasting. */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return compare("equal", a, b);
}

/** a != b elementwise (bool). */
export function notEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("notEqual", a, b);
}

/** a < b elementwise (bool). */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return compare("less", a, b);
}

/** a <= b elementwise (bool). */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("lessEqual", a, b);
}

/** a > b elementwise (bool). */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return compare("greater", a, b);
}

/** a >= b elementwise (bool). */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor {
  return compare("greaterEqual", a, b);
}

/**
 * `a` where `condition` is true, else `b`, broadcasting all three. `a` and `b` may be numbers
 * (weak scalars); their common dtype is the result's.
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor("where", "condition", condition);
  checkTensorLike("where", "a", a);
  checkTensorLike("where", "b", b);
  if (condition.dtype !== "bool") {
    throw new DTypeError(
      `where: condition must have dtype bool, got ${condition.dtype} (compare first, e.g. x.greater(0))`,
    );
  }
  const d = resultDType([a, b]);
  return opScope(() => runPrimitive("where", [condition, ...asTensors([a, b], d)], {}));
}

/** x converted to `dtype`: floats to int32 truncate toward zero, anything to bool is x != 0. */
export function cast(x: Tensor, dtype: string): Tensor {
  checkTensor("cast", "x", x);
  checkDType("cast", "dtype", dtype);
  return x.dtype === dtype ? identity(x) : runPrimitive("cast", [x], { dtype });
}

/** True where x is NaN (never for int32 and bool). */
function isNaNOp(x: Tensor): Tensor {
  checkTensor("isNaN", "x", x);
  // Only NaN differs from itself.
  return runPrimitive("notEqual", [x, x], {});
}

/** True where x is neither NaN nor ±Inf (always for int32 and bool). */
function isFiniteOp(x: Tensor): Tensor {
  checkTensor("isFinite", "x", x);
  if (!isFloat(x.dtype)) return runPrimitive("equal", [x, x], {});
  // x − x is 0 for finite x and NaN for NaN and ±Inf.
  return opScope(() => runPrimitive("equal", [runPrimitive("sub", [x, x], {}), scalarOf(0, x.dtype)], {}));
}

/** True where x is +Inf or −Inf. */
export function isInf(x: Tensor): Tensor {
  checkTensor("isInf", "x", x);
  if (!isFloat(x.dtype)) return runPrimitive("notEqual", [x, x], {});
  return opScope(() =>
    runPrimitive("equal", [runPrimitive("abs", [x], {}), scalarOf(Number.POSITIVE_INFINITY, x.dtype)], {}),
  );
}

// Exported under the NumPy names, which shadow the globals only for code that imports them.
export { isNaNOp as isNaN, isFiniteOp as isFinite };
