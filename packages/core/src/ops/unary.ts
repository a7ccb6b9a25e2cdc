import { runPrimitive } from "../engine.ts";
import type { Tensor } from "../tensor.ts";
import type { UnaryPrim } from "../primitives/types.ts";
import { asFloat, checkNumeric, checkTensor, identity, opScope } from "./util.ts";

/** Float-only math: int32 and bool inputs are promoted to float32 first. */
function floatUnary(prim: UnaryPrim, x: Tensor): Tensor {
  checkTensor(prim, "x", x);
  return opScope(() => runPrimitive(prim, [asFloat(x)], {}));
}

/** Sign-aware math on numbers (float32, float64, int32); bool is refused. */
function numericUnary(prim: UnaryPrim, x: Tensor): Tensor {
  checkTensor(prim, "x", x);
  checkNumeric(prim, "x", x);
  return runPrimitive(prim, [x], {});
}

/** Rounding, which leaves integers as they are. */
function rounding(prim: UnaryPrim, x: Tensor): Tensor {
  checkTensor(prim, "x", x);
  checkNumeric(prim, "x", x);
  return x.dtype === "int32" ? identity(x) : runPrimitive(prim, [x], {});
}

/** −x. */
export function neg(x: Tensor): Tensor {
  return numericUnary("neg", x);
}

/** |x|. */
export function abs(x: Tensor): Tensor {
  return numericUnary("abs", x);
}

/** −1, 0 or 1 by the sign of x (NaN stays NaN). */
export function sign(x: Tensor): Tensor {
  return numericUnary("sign", x);
}

export function exp(x: Tensor): Tensor {
  return floatUnary("exp", x);
}

/** Natural logarithm (−Inf at 0, NaN below). */
export function log(x: Tensor): Tensor {
  return floatUnary("log", x);
}

/** log(1 + x), accurate for small x. */
export function log1p(x: Tensor): Tensor {
  return floatUnary("log1p", x);
}

/** exp(x) − 1, accurate for small x. */
export function expm1(x: Tensor): Tensor {
  return floatUnary("expm1", x);
}

export function sqrt(x: Tensor): Tensor {
  return floatUnary("sqrt", x);
}

/** 1 / sqrt(x). */
export function rsqrt(x: Tensor): Tensor {
  return floatUnary("rsqrt", x);
}

/** 1 / x. */
export function reciprocal(x: Tensor): Tensor {
  return floatUnary("reciprocal", x);
}

export function sin(x: Tensor): Tensor {
  return floatUnary("sin", x);
}

export function cos(x: Tensor): Tensor {
  return floatUnary("cos", x);
}

export function tanh(x: Tensor): Tensor {
  return floatUnary("tanh", x);
}

/** 1 / (1 + exp(−x)), computed without overflow for large |x|. */
export function sigmoid(x: Tensor): Tensor {
  return floatUnary("sigmoid", x);
}

/** The Gauss error function. */
export function erf(x: Tensor): Tensor {
  return floatUnary("erf", x);
}

/** Rounds down; int32 tensors are returned as they are. */
export function floor(x: Tensor): Tensor {
  return rounding("floor", x);
}

/** Rounds up; int32 tensors are returned as they are. */
export function ceil(x: Tensor): Tensor {
  return rounding("ceil", x);
}

/** Rounds to the nearest integer (the primitive's rule for halves); int32 tensors are returned as they are. */
export function round(x: Tensor): Tensor {
  return rounding("round", x);
}
