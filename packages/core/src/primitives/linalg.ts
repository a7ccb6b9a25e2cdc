import { ShapeError, fmtShape } from "../errors.ts";
import { broadcastShapes } from "../shape.ts";
import { expectNumeric, expectSameDType } from "./check.ts";
import type { PrimDef } from "./types.ts";

export const matmul: PrimDef<"matmul"> = {
  name: "matmul",
  arity: 2,
  infer([a, b], { transposeA, transposeB }) {
    expectNumeric("matmul", "a", a);
    expectSameDType("matmul", a, b);
    if (a.shape.length < 2 || b.shape.length < 2) {
      throw new ShapeError(
        `matmul: the primitive needs rank >= 2, got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`,
      );
    }
    const ra = a.shape.length;
    const rb = b.shape.length;
    const [m, ka] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
    const [kb, n] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
    if (ka !== kb) {
      const ta = transposeA ? " (transposed)" : "";
      const tb = transposeB ? " (transposed)" : "";
      throw new ShapeError(
        `matmul: inner dimensions differ: a is ${fmtShape(a.shape)}${ta}, b is ${fmtShape(b.shape)}${tb}`,
      );
    }
    const batch = broadcastShapes("matmul (batch dimensions)", a.shape.slice(0, -2), b.shape.slice(0, -2));
    return { shape: [...batch, m, n], dtype: a.dtype };
  },
};
