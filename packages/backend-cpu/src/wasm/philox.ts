import { type FunctionBuilder, type Local, ModuleBuilder } from "./emitter.ts";

/** Philox-4x32-10 constants (Salmon et al., SC 2011), as in core's random/philox.ts. */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Byte indices picking 32-bit lanes of two vectors (0–3 of a, 4–7 of b). */
function lanes32(lanes: readonly number[]): number[] {
  return lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
}

/**
 * Uniform numbers in [0, 1) from Philox-4x32-10, the same function as core's `philoxUniform`:
 * element i is word i mod 4 of Philox(counter [⌊i/4⌋, 0, 0, 0], key), mapped as (word >>> 8)·2⁻²⁴
 * (exact in float32 and float64). The exported function
 *
 *   uniform(out, g0, g1, k0, k1)
 *
 * writes the groups of 16 elements g in [g0, g1) (four counters, one per lane, ten rounds, then a
 * 4×4 transpose of the words into element order); a final partial group is left to the caller.
 */
export function buildPhiloxModule(
  dtype: "float32" | "float64",
  shared: boolean,
  maxPages: number,
): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: maxPages, shared });
  m.function("uniform", ["i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [out, g0, g1, k0, k1] = [0, 1, 2, 3, 4].map((i) => f.param(i));
    const g = f.local("i32");
    const r = f.local("i32");
    const p = f.local("i32");
    const [c0, c1, c2, c3, key0, key1, m0, m1, lo, hi] = Array.from({ length: 10 }, () => f.local("v128"));
    const size = dtype === "float32" ? 4 : 8;
    f.i32x4(M0).set(m0);
    f.i32x4(M1).set(m1);
    f.get(out)
      .get(g0)
      .i32(16 * size)
      .op("i32.mul")
      .op("i32.add")
      .set(p);
    f.for(
      g,
      () => f.get(g0),
      () => f.get(g1),
      1,
      () => {
        // Counters 4g … 4g + 3 in lane order; the other counter words are 0.
        f.get(g)
          .i32(4)
          .op("i32.mul")
          .op("i32x4.splat")
          .v128(new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer));
        f.op("i32x4.add").set(c0);
        for (const c of [c1, c2, c3]) f.i32x4(0).set(c);
        f.get(k0).op("i32x4.splat").set(key0);
        f.get(k1).op("i32x4.splat").set(key1);
        f.for(
          r,
          () => f.i32(0),
          () => f.i32(10),
          1,
          () => {
            // (hi, lo) of M0·c0 and of M1·c2, as 64-bit products of the unsigned lanes.
            const [hi0, lo0] = mulHiLo(f, m0, c0, lo, hi);
            const [hi1, lo1] = mulHiLo(f, m1, c2, lo, hi);
            f.get(hi1).get(c1).op("v128.xor").get(key0).op("v128.xor").set(c0);
            f.get(lo1).set(c1);
            f.get(hi0).get(c3).op("v128.xor").get(key1).op("v128.xor").set(c2);
            f.get(lo0).set(c3);
            f.get(key0)
              .i32x4(W0 | 0)
              .op("i32x4.add")
              .set(key0);
            f.get(key1)
              .i32x4(W1 | 0)
              .op("i32x4.add")
              .set(key1);
          },
        );
        // Lane b of word vector j is element 4b + j: transpose so each vector holds one counter's words.
        const t = Array.from({ length: 4 }, () => f.local("v128"));
        f.get(c0)
          .get(c1)
          .shuffle(lanes32([0, 4, 1, 5]))
          .set(t[0]);
        f.get(c0)
          .get(c1)
          .shuffle(lanes32([2, 6, 3, 7]))
          .set(t[1]);
        f.get(c2)
          .get(c3)
          .shuffle(lanes32([0, 4, 1, 5]))
          .set(t[2]);
        f.get(c2)
          .get(c3)
          .shuffle(lanes32([2, 6, 3, 7]))
          .set(t[3]);
        const rows: [Local, Local, number[]][] = [
          [t[0], t[2], [0, 1, 4, 5]],
          [t[0], t[2], [2, 3, 6, 7]],
          [t[1], t[3], [0, 1, 4, 5]],
          [t[1], t[3], [2, 3, 6, 7]],
        ];
        rows.forEach(([a, b, lanes], block) => {
          const w = f.local("v128");
          f.get(a).get(b).shuffle(lanes32(lanes)).i32(8).op("i32x4.shr_u").set(w);
          if (dtype === "float32") {
            f.get(p)
              .get(w)
              .op("f32x4.convert_i32x4_s")
              .f32x4(2 ** -24)
              .op("f32x4.mul");
            f.mem("v128.store", 16 * block, 2);
          } else {
            f.get(p)
              .get(w)
              .op("f64x2.convert_low_i32x4_s")
              .f64x2(2 ** -24)
              .op("f64x2.mul");
            f.mem("v128.store", 32 * block, 3);
            f.get(p)
              .get(w)
              .get(w)
              .shuffle(lanes32([2, 3, 2, 3]))
              .op("f64x2.convert_low_i32x4_s");
            f.f64x2(2 ** -24)
              .op("f64x2.mul")
              .mem("v128.store", 32 * block + 16, 3);
          }
        });
        f.inc(p, 16 * size);
      },
    );
  });
  return m.toBytes();
}

/** The high and low 32 bits of the unsigned products a·b, lane by lane. */
function mulHiLo(f: FunctionBuilder, a: Local, b: Local, lo: Local, hi: Local): [Local, Local] {
  f.get(a).get(b).op("i64x2.extmul_low_i32x4_u").set(lo);
  f.get(a).get(b).op("i64x2.extmul_high_i32x4_u").set(hi);
  const high = f.local("v128");
  const low = f.local("v128");
  f.get(lo)
    .get(hi)
    .shuffle(lanes32([1, 3, 5, 7]))
    .set(high);
  f.get(lo)
    .get(hi)
    .shuffle(lanes32([0, 2, 4, 6]))
    .set(low);
  return [high, low];
}
