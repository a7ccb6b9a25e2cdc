import { sizeOf } from "@axon/core";
import type { GPGPU } from "../gl/gpgpu.ts";
import type { UniformSpec } from "../gl/program.ts";
import type { Kernels } from "./types.ts";

/**
 * Philox-4x32-10 with GLSL ES 3.00 `uint` arithmetic (umulExtended is ES 3.10 only, so the high
 * word of a 32×32 product is built from 16-bit halves, as in core's philox.ts). Element i is word
 * i mod 4 of Philox(counter [⌊i/4⌋, 0, 0, 0], key), mapped (word >> 8)·2⁻²⁴: the same numbers as
 * `philoxUniform` on the CPU.
 */
const PHILOX = `
void ax_umul(uint a, uint b, out uint hi, out uint lo) {
  uint aL = a & 0xffffu; uint aH = a >> 16;
  uint bL = b & 0xffffu; uint bH = b >> 16;
  uint lolo = aL * bL; uint hilo = aH * bL; uint lohi = aL * bH;
  uint cross = (lolo >> 16) + (hilo & 0xffffu) + lohi;
  hi = aH * bH + (hilo >> 16) + (cross >> 16);
  lo = a * b;
}
uint ax_philox(uint counter, uint k0, uint k1, int word) {
  uint c0 = counter; uint c1 = 0u; uint c2 = 0u; uint c3 = 0u;
  for (int r = 0; r < 10; r++) {
    uint hi0; uint lo0; uint hi1; uint lo1;
    ax_umul(0xD2511F53u, c0, hi0, lo0);
    ax_umul(0xCD9E8D57u, c2, hi1, lo1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  return word == 0 ? c0 : (word == 1 ? c1 : (word == 2 ? c2 : c3));
}`;

export function randomKernels(g: GPGPU): Kernels<"randomUniform"> {
  return {
    randomUniform(_inputs, { key }, out) {
      const uniforms: UniformSpec[] = [{ name: "u_key", type: "uint", value: [key[0] >>> 0, key[1] >>> 0] }];
      const source = `${PHILOX}
float compute(int idx) {
  uint w = ax_philox(uint(idx >> 2), u_key[0], u_key[1], idx & 3);
  return float(w >> 8) * 5.9604644775390625e-8;
}`;
      return g.run({ inputs: [], uniforms, outDType: out.dtype, source }, sizeOf(out.shape));
    },
  };
}
