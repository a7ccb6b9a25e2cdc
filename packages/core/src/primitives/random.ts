import { DTypeError, ValueError } from "../errors.ts";
import { isFloat } from "../dtype.ts";
import { checkShape } from "../shape.ts";
import type { PrimDef } from "./types.ts";

export const randomUniform: PrimDef<"randomUniform"> = {
  name: "randomUniform",
  arity: 0,
  infer(_inputs, { shape, dtype, key }) {
    checkShape("randomUniform", "shape", shape);
    if (!isFloat(dtype))
      throw new DTypeError(`randomUniform: dtype must be float32 or float64, got ${dtype}`);
    if (key.length !== 2 || key.some((k) => !Number.isInteger(k) || k < 0 || k > 0xffffffff)) {
      throw new ValueError(`randomUniform: key must be two unsigned 32-bit integers, got [${key.join(",")}]`);
    }
    return { shape: [...shape], dtype };
  },
};
