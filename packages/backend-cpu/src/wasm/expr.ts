import type { DType } from "@axon/core";

/**
 * Typed elementwise expressions: what a fused elementwise kernel computes per element. Every node
 * has a dtype (see `exprDType`); float32 is the default of inputs and constants.
 */

/** Unary functions: float math (transcendental ones on float32 only), int32 and bool where noted. */
export type UnaryFn =
  | "neg"
  | "abs"
  | "sqrt"
  | "rsqrt"
  | "reciprocal"
  | "floor"
  | "ceil"
  | "round"
  | "square"
  | "relu"
  | "exp"
  | "log"
  | "tanh"
  | "sigmoid"
  | "erf"
  /** bool only: logical not. */
  | "not";

/**
 * Binary functions on two operands of one dtype. max and min propagate NaN and order −0 below +0
 * (like Math.max/min); int32 add, sub and mul wrap; and/or are bool only; div is float only.
 */
export type BinaryFn = "add" | "sub" | "mul" | "div" | "max" | "min" | "and" | "or";

/** IEEE comparisons (any NaN operand gives false, except notEqual); the result is bool. */
export type CompareFn = "equal" | "notEqual" | "less" | "lessEqual" | "greater" | "greaterEqual";

export type Expr =
  | { readonly op: "input"; readonly index: number }
  | { readonly op: "const"; readonly value: number; readonly dtype?: DType }
  | { readonly op: "unary"; readonly fn: UnaryFn; readonly x: Expr }
  | { readonly op: "binary"; readonly fn: BinaryFn; readonly a: Expr; readonly b: Expr }
  | { readonly op: "compare"; readonly fn: CompareFn; readonly a: Expr; readonly b: Expr }
  /** cond ≠ 0 (bool: true) picks a, else b. */
  | { readonly op: "select"; readonly cond: Expr; readonly a: Expr; readonly b: Expr }
  /** Conversion with the CPU backend's cast semantics (see kernels/cast.ts). */
  | { readonly op: "cast"; readonly dtype: DType; readonly x: Expr };

/** Unary functions with an f32x4 approximation only (wasm/vecmath.ts). */
const FLOAT32_ONLY: readonly UnaryFn[] = ["exp", "log", "tanh", "sigmoid", "erf"];
/** Unary functions that are exact on int32 too. */
const INT_UNARY: readonly UnaryFn[] = ["neg", "abs", "square", "relu"];
const INT_BINARY: readonly BinaryFn[] = ["add", "sub", "mul", "max", "min"];

function fail(message: string): never {
  throw new Error(`elementwise: ${message}`);
}

/** The dtype of `e` given the dtypes of the inputs; throws on a node its operand types do not allow. */
export function exprDType(e: Expr, inputs: readonly DType[]): DType {
  switch (e.op) {
    case "input": {
      const t = inputs[e.index];
      if (t === undefined) fail(`input ${e.index} does not exist (${inputs.length} inputs)`);
      return t;
    }
    case "const":
      return e.dtype ?? "float32";
    case "unary": {
      const t = exprDType(e.x, inputs);
      const ok =
        e.fn === "not"
          ? t === "bool"
          : t === "float32" ||
            (t === "float64" && !FLOAT32_ONLY.includes(e.fn)) ||
            (t === "int32" && INT_UNARY.includes(e.fn));
      if (!ok) fail(`unary ${e.fn} does not take ${t}`);
      return t;
    }
    case "binary": {
      const t = sameDType(e.fn, exprDType(e.a, inputs), exprDType(e.b, inputs));
      const logical = e.fn === "and" || e.fn === "or";
      const ok = logical
        ? t === "bool"
        : t === "float32" || t === "float64" || (t === "int32" && INT_BINARY.includes(e.fn));
      if (!ok) fail(`binary ${e.fn} does not take ${t}`);
      return t;
    }
    case "compare":
      sameDType(e.fn, exprDType(e.a, inputs), exprDType(e.b, inputs));
      return "bool";
    case "select":
      exprDType(e.cond, inputs);
      return sameDType("select", exprDType(e.a, inputs), exprDType(e.b, inputs));
    case "cast":
      exprDType(e.x, inputs);
      return e.dtype;
  }
}

function sameDType(what: string, a: DType, b: DType): DType {
  if (a !== b) fail(`${what} needs operands of one dtype, got ${a} and ${b}`);
  return a;
}

/** Every dtype that occurs in `e` (inputs, constants, intermediate and final values). */
export function exprDTypes(e: Expr, inputs: readonly DType[], into = new Set<DType>()): Set<DType> {
  into.add(exprDType(e, inputs));
  switch (e.op) {
    case "unary":
    case "cast":
      exprDTypes(e.x, inputs, into);
      break;
    case "binary":
    case "compare":
      exprDTypes(e.a, inputs, into);
      exprDTypes(e.b, inputs, into);
      break;
    case "select":
      exprDTypes(e.cond, inputs, into);
      exprDTypes(e.a, inputs, into);
      exprDTypes(e.b, inputs, into);
      break;
  }
  return into;
}
