import { type DType, sizeOf } from "@axon/core";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { Kernels } from "./types.ts";

/**
 * float → int32 truncates toward zero, saturates, and sends NaN to 0; anything → bool is x != 0
 * (NaN → true); bool → number is 0/1.
 */
function castExpr(from: DType, to: DType): string {
  if (from === "float32") {
    if (to === "int32") {
      return "ax_isnan(x) ? 0 : (x >= 2147483647.0 ? 2147483647 : (x <= -2147483648.0 ? (-2147483647 - 1) : int(x)))";
    }
    return "(ax_isnan(x) || x != 0.0) ? 1 : 0";
  }
  if (to === "float32") return "float(x)";
  if (to === "bool") return "x != 0 ? 1 : 0";
  return "x";
}

export function castKernels(g: GPGPU): Kernels<"cast"> {
  return {
    cast(inputs, { dtype }, out) {
      const [x] = inputs;
      if (x.dtype === dtype) return x.buffer;
      const t = x.dtype === "float32" ? "float" : "int";
      const outT = dtype === "float32" ? "float" : "int";
      const source = `${outT} compute(int idx) { ${t} x = read0(idx); return ${castExpr(x.dtype, dtype)}; }`;
      return g.run({ inputs: [x.buffer], outDType: dtype, source }, sizeOf(out.shape));
    },
  };
}
