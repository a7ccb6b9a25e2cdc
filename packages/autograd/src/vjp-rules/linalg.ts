import { runPrimitive, type Tensor } from "@axon/core";
import { unbroadcast } from "../prims.ts";
import type { VjpRule } from "./types.ts";

const mm = (a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean) =>
  runPrimitive("matmul", [a, b], { transposeA, transposeB });

/**
 * matmul with C = op(A)·op(B): each gradient is again a matmul (choosing the transposes so no
 * transpose is materialized), then summed over the batch dimensions broadcasting added.
 */
export const matmulRule: VjpRule<"matmul"> = {
  saves: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
  vjp: (ct, k) => {
    const { transposeA: tA, transposeB: tB } = k.attrs;
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (k.needs[0]) {
      const b = k.input(1);
      // A: C·Bᵀ, Aᵀ: B·Cᵀ, with op(B) accounted for
      ga = tA
        ? tB
          ? mm(b, ct, true, true)
          : mm(b, ct, false, true)
        : tB
          ? mm(ct, b, false, false)
          : mm(ct, b, false, true);
      ga = unbroadcast(ga, k.inputSpecs[0].shape);
    }
    if (k.needs[1]) {
      const a = k.input(0);
      gb = tB
        ? tA
          ? mm(ct, a, true, true)
          : mm(ct, a, true, false)
        : tA
          ? mm(a, ct, false, false)
          : mm(a, ct, true, false);
      gb = unbroadcast(gb, k.inputSpecs[1].shape);
    }
    return [ga, gb];
  },
};
