import { runPrimitive } from "../engine.ts";
import { ShapeError, fmtShape } from "../errors.ts";
import type { Tensor } from "../tensor.ts";
import { asTensors, checkBoolean, checkTensor, opScope, resultDType } from "./util.ts";

/**
 * Matrix product with NumPy's rules: the last two axes multiply, leading (batch) axes broadcast;
 * a 1-D `a` is a row vector and a 1-D `b` a column vector, and the dimension added for them is
 * removed from the result. The transpose flags swap the last two axes of a ≥2-D operand.
 */
export function matmul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  checkTensor("matmul", "a", a);
  checkTensor("matmul", "b", b);
  checkBoolean("matmul", "transposeA", transposeA);
  checkBoolean("matmul", "transposeB", transposeB);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError(
      `matmul: operands must have rank >= 1, got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} (use mul for scalars)`,
    );
  }
  const ta = transposeA && a.rank >= 2;
  const tb = transposeB && b.rank >= 2;
  const ka = ta ? a.shape[a.rank - 2] : a.shape[a.rank - 1];
  const kb = b.rank === 1 ? b.shape[0] : tb ? b.shape[b.rank - 1] : b.shape[b.rank - 2];
  if (ka !== kb) {
    throw new ShapeError(
      `matmul: inner dimensions differ: a is ${fmtShape(a.shape)}${ta ? " (transposed)" : ""}, b is ${fmtShape(b.shape)}${tb ? " (transposed)" : ""}`,
    );
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  for (let i = 1; i <= Math.min(batchA.length, batchB.length); i++) {
    const da = batchA[batchA.length - i];
    const db = batchB[batchB.length - i];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `matmul: batch dimensions ${fmtShape(batchA)} and ${fmtShape(batchB)} cannot be broadcast together (a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)})`,
      );
    }
  }
  let d = resultDType([a, b]);
  if (d === "bool") d = "int32";
  return opScope(() => {
    let [x, y] = asTensors([a, b], d);
    if (a.rank === 1) x = runPrimitive("reshape", [x], { shape: [1, a.shape[0]] });
    if (b.rank === 1) y = runPrimitive("reshape", [y], { shape: [b.shape[0], 1] });
    const out = runPrimitive("matmul", [x, y], { transposeA: ta, transposeB: tb });
    if (a.rank > 1 && b.rank > 1) return out;
    const shape = out.shape.filter(
      (_, i) => !((a.rank === 1 && i === out.rank - 2) || (b.rank === 1 && i === out.rank - 1)),
    );
    return runPrimitive("reshape", [out], { shape });
  });
}

/**
 * Dot product of vectors and matrices (rank ≤ 2): vector·vector is a scalar, otherwise `matmul`.
 * A scalar operand multiplies elementwise. Higher ranks are refused; use `matmul` for batches.
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor("dot", "a", a);
  checkTensor("dot", "b", b);
  if (a.rank > 2 || b.rank > 2) {
    throw new ShapeError(
      `dot: operands must have rank <= 2, got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} (use matmul for batches)`,
    );
  }
  if (a.rank === 0 || b.rank === 0) {
    let d = resultDType([a, b]);
    if (d === "bool") d = "int32";
    return opScope(() => runPrimitive("mul", asTensors([a, b], d), {}));
  }
  const ka = a.shape[a.rank - 1];
  const kb = b.shape[0];
  if (ka !== kb)
    throw new ShapeError(
      `dot: inner dimensions differ: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`,
    );
  return matmul(a, b);
}
