import { runPrimitive } from "../engine.ts";
import type { Tensor } from "../tensor.ts";
import { type TensorLike, checkBroadcast, checkTensor, checkTensorLike, opScope, scalarOf } from "./util.ts";

/** A tensor or weak scalar as bool: numbers are true where nonzero, as in NumPy. */
function truth(x: TensorLike): Tensor {
  if (typeof x === "number" || typeof x === "boolean") return scalarOf(x, "bool");
  return x.dtype === "bool" ? x : runPrimitive("notEqual", [x, scalarOf(0, x.dtype)], {});
}

function logical(op: "logicalAnd" | "logicalOr", a: TensorLike, b: TensorLike): Tensor {
  checkTensorLike(op, "a", a);
  checkTensorLike(op, "b", b);
  return opScope(() => runPrimitive(op, [truth(a), truth(b)], {}));
}

/** a AND b elementwise (bool); numeric operands count as true where nonzero. */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return logical("logicalAnd", a, b);
}

/** a OR b elementwise (bool). */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return logical("logicalOr", a, b);
}

/** a XOR b elementwise (bool). */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  checkTensorLike("logicalXor", "a", a);
  checkTensorLike("logicalXor", "b", b);
  checkBroadcast("logicalXor", a, b);
  return opScope(() => runPrimitive("notEqual", [truth(a), truth(b)], {}));
}

/** NOT x elementwise (bool); a numeric x counts as true where nonzero. */
export function logicalNot(x: Tensor): Tensor {
  checkTensor("logicalNot", "x", x);
  return opScope(() => runPrimitive("logicalNot", [truth(x)], {}));
}
