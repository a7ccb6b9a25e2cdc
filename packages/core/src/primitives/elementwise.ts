import { broadcastShapes } from "../shape.ts";
import { DTYPES } from "../dtype.ts";
import { ValueError } from "../errors.ts";
import { expectDType, expectFloat, expectNumeric, expectSameDType } from "./check.ts";
import {
  type BinaryPrim,
  type ComparePrim,
  FLOAT_UNARY_PRIMS,
  type LogicalPrim,
  type PrimDef,
  type UnaryPrim,
} from "./types.ts";

export function unaryDef<P extends UnaryPrim>(name: P): PrimDef<P> {
  return {
    name,
    arity: 1,
    infer([x]) {
      if (name === "logicalNot") expectDType(name, "x", x, ["bool"]);
      else if (FLOAT_UNARY_PRIMS.includes(name)) expectFloat(name, "x", x);
      else expectNumeric(name, "x", x);
      return { shape: x.shape, dtype: x.dtype };
    },
  };
}

/** Float-only binary primitives; the others accept int32 too. */
const FLOAT_BINARY: readonly BinaryPrim[] = ["div", "pow"];

export function binaryDef<P extends BinaryPrim>(name: P): PrimDef<P> {
  return {
    name,
    arity: 2,
    infer([a, b]) {
      if (FLOAT_BINARY.includes(name)) expectFloat(name, "a", a);
      else expectNumeric(name, "a", a);
      expectSameDType(name, a, b);
      return { shape: broadcastShapes(name, a.shape, b.shape), dtype: a.dtype };
    },
  };
}

export function compareDef<P extends ComparePrim>(name: P): PrimDef<P> {
  return {
    name,
    arity: 2,
    infer([a, b]) {
      expectSameDType(name, a, b);
      return { shape: broadcastShapes(name, a.shape, b.shape), dtype: "bool" };
    },
  };
}

export function logicalDef<P extends LogicalPrim>(name: P): PrimDef<P> {
  return {
    name,
    arity: 2,
    infer([a, b]) {
      expectDType(name, "a", a, ["bool"]);
      expectDType(name, "b", b, ["bool"]);
      return { shape: broadcastShapes(name, a.shape, b.shape), dtype: "bool" };
    },
  };
}

export const where: PrimDef<"where"> = {
  name: "where",
  arity: 3,
  infer([cond, a, b]) {
    expectDType("where", "condition", cond, ["bool"]);
    expectSameDType("where", a, b, ["x", "y"]);
    return { shape: broadcastShapes("where", cond.shape, a.shape, b.shape), dtype: a.dtype };
  },
};

export const cast: PrimDef<"cast"> = {
  name: "cast",
  arity: 1,
  infer([x], { dtype }) {
    if (!DTYPES.includes(dtype))
      throw new ValueError(`cast: dtype must be one of ${DTYPES.join(", ")}, got ${String(dtype)}`);
    return { shape: x.shape, dtype };
  },
};
