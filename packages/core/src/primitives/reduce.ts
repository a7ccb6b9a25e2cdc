import { ShapeError, fmtShape } from "../errors.ts";
import { expectDType, expectNumeric } from "./check.ts";
import type { ArgReducePrim, PrimDef, ReducePrim } from "./types.ts";

function checkAxes(op: string, axes: readonly number[], rank: number): void {
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i];
    if (!Number.isInteger(a) || a < 0 || a >= rank || (i > 0 && a <= axes[i - 1])) {
      throw new ShapeError(
        `${op}: axes must be sorted, distinct and in [0, ${rank}), got [${axes.join(",")}]`,
      );
    }
  }
}

export function reduceDef<P extends ReducePrim>(name: P): PrimDef<P> {
  return {
    name,
    arity: 1,
    infer([x], { axes }) {
      if (name === "sum") expectDType(name, "x", x, ["float32", "float64", "int32"]);
      else expectNumeric(name, "x", x);
      checkAxes(name, axes, x.shape.length);
      if (name !== "sum") {
        for (const a of axes) {
          if (x.shape[a] === 0)
            throw new ShapeError(
              `${name}: cannot reduce over axis ${a} of size 0 in shape ${fmtShape(x.shape)}`,
            );
        }
      }
      return { shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype };
    },
  };
}

export function argReduceDef<P extends ArgReducePrim>(name: P): PrimDef<P> {
  return {
    name,
    arity: 1,
    infer([x], { axis }) {
      expectNumeric(name, "x", x);
      checkAxes(name, [axis], x.shape.length);
      if (x.shape[axis] === 0)
        throw new ShapeError(`${name}: axis ${axis} has size 0 in shape ${fmtShape(x.shape)}`);
      return { shape: x.shape.filter((_, i) => i !== axis), dtype: "int32" };
    },
  };
}
