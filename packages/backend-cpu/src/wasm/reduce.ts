import { type FunctionBuilder, type Local, ModuleBuilder } from "./emitter.ts";

export type ReduceKind = "sum" | "max" | "min";

/**
 * Reductions of float32 data. Sums accumulate in float64 (f64x2 pairs) and round once, like the
 * JavaScript kernels; max and min propagate NaN. Two exports, both deterministic in their order of
 * operations whatever range of outputs a thread is given:
 * - rows(x, out, r0, r1, len): out[r] = reduce(x[r, 0:len]) for rows r in [r0, r1) (contiguous rows);
 * - cols(x, out, outer, len, inner, j0, j1): out[o, j] = reduce_i x[o, i, j] for j in [j0, j1).
 */
export function buildReduceModule(
  kind: ReduceKind,
  shared: boolean,
  maxPages: number,
): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: maxPages, shared });
  const init = kind === "sum" ? 0 : kind === "max" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const vop = kind === "max" ? "f32x4.max" : "f32x4.min";
  const sop = kind === "max" ? "f32.max" : "f32.min";

  m.function("rows", ["i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [x, out, r0, r1, len] = [0, 1, 2, 3, 4].map((i) => f.param(i));
    const r = f.local("i32");
    const j = f.local("i32");
    const p = f.local("i32");
    const vend = f.local("i32");
    f.get(len).i32(-16).op("i32.and").set(vend);
    if (kind === "sum") {
      const acc = [0, 1, 2, 3, 4, 5, 6, 7].map(() => f.local("v128"));
      const s = f.local("f64");
      const v = f.local("v128");
      f.for(
        r,
        () => f.get(r0),
        () => f.get(r1),
        1,
        () => {
          f.get(x).get(r).get(len).op("i32.mul").i32(4).op("i32.mul").op("i32.add").set(p);
          for (const a of acc) f.f64x2(0).set(a);
          f.for(
            j,
            () => f.i32(0),
            () => f.get(vend),
            16,
            () => {
              for (let q = 0; q < 4; q++) {
                f.get(p)
                  .mem("v128.load", 16 * q, 2)
                  .set(v);
                addPromoted(f, acc[2 * q], acc[2 * q + 1], v);
              }
              f.inc(p, 64);
            },
          );
          // Fixed combination order: pairs, then lanes, then the tail in order.
          f.get(acc[0]).get(acc[2]).op("f64x2.add").get(acc[4]).get(acc[6]).op("f64x2.add").op("f64x2.add");
          f.get(acc[1]).get(acc[3]).op("f64x2.add").get(acc[5]).get(acc[7]).op("f64x2.add").op("f64x2.add");
          f.op("f64x2.add").set(v);
          f.get(v).lane("f64x2.extract_lane", 0).get(v).lane("f64x2.extract_lane", 1).op("f64.add").set(s);
          f.for(
            j,
            () => f.get(vend),
            () => f.get(len),
            1,
            () => {
              f.get(s).get(p).mem("f32.load").op("f64.promote_f32").op("f64.add").set(s);
              f.inc(p, 4);
            },
          );
          f.get(out).get(r).i32(4).op("i32.mul").op("i32.add");
          f.get(s).op("f32.demote_f64").mem("f32.store");
        },
      );
    } else {
      const acc = [0, 1, 2, 3].map(() => f.local("v128"));
      const s = f.local("f32");
      f.for(
        r,
        () => f.get(r0),
        () => f.get(r1),
        1,
        () => {
          f.get(x).get(r).get(len).op("i32.mul").i32(4).op("i32.mul").op("i32.add").set(p);
          for (const a of acc) f.f32x4(init).set(a);
          f.for(
            j,
            () => f.i32(0),
            () => f.get(vend),
            16,
            () => {
              for (let q = 0; q < 4; q++)
                f.get(acc[q])
                  .get(p)
                  .mem("v128.load", 16 * q, 2)
                  .op(vop)
                  .set(acc[q]);
              f.inc(p, 64);
            },
          );
          f.get(acc[0]).get(acc[1]).op(vop).get(acc[2]).get(acc[3]).op(vop).op(vop).set(acc[0]);
          f.get(acc[0]).lane("f32x4.extract_lane", 0).get(acc[0]).lane("f32x4.extract_lane", 1).op(sop);
          f.get(acc[0]).lane("f32x4.extract_lane", 2).get(acc[0]).lane("f32x4.extract_lane", 3).op(sop);
          f.op(sop).set(s);
          f.for(
            j,
            () => f.get(vend),
            () => f.get(len),
            1,
            () => {
              f.get(s).get(p).mem("f32.load").op(sop).set(s);
              f.inc(p, 4);
            },
          );
          f.get(out).get(r).i32(4).op("i32.mul").op("i32.add").get(s).mem("f32.store");
        },
      );
    }
  });

  // cols: blocks of 16 columns (one cache line) held in registers while i runs down the reduced axis.
  m.function("cols", ["i32", "i32", "i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [x, out, outer, len, inner, j0, j1] = [0, 1, 2, 3, 4, 5, 6].map((i) => f.param(i));
    const o = f.local("i32");
    const j = f.local("i32");
    const i = f.local("i32");
    const p = f.local("i32");
    const rowB = f.local("i32");
    const slab = f.local("i32");
    const dst = f.local("i32");
    const vend = f.local("i32");
    const v = f.local("v128");
    f.get(inner).i32(4).op("i32.mul").set(rowB);
    // Whole blocks of 16 from j0.
    f.get(j1).get(j0).op("i32.sub").i32(-16).op("i32.and").get(j0).op("i32.add").set(vend);
    f.for(
      o,
      () => f.i32(0),
      () => f.get(outer),
      1,
      () => {
        f.get(x).get(o).get(len).op("i32.mul").get(rowB).op("i32.mul").op("i32.add").set(slab);
        f.for(
          j,
          () => f.get(j0),
          () => f.get(vend),
          16,
          () => {
            f.get(slab).get(j).i32(4).op("i32.mul").op("i32.add").set(p);
            f.get(out)
              .get(o)
              .get(inner)
              .op("i32.mul")
              .get(j)
              .op("i32.add")
              .i32(4)
              .op("i32.mul")
              .op("i32.add")
              .set(dst);
            if (kind === "sum") {
              const acc = [0, 1, 2, 3, 4, 5, 6, 7].map(() => f.local("v128"));
              for (const a of acc) f.f64x2(0).set(a);
              f.for(
                i,
                () => f.i32(0),
                () => f.get(len),
                1,
                () => {
                  for (let q = 0; q < 4; q++) {
                    f.get(p)
                      .mem("v128.load", 16 * q, 2)
                      .set(v);
                    addPromoted(f, acc[2 * q], acc[2 * q + 1], v);
                  }
                  f.inc(p, rowB);
                },
              );
              for (let q = 0; q < 4; q++) {
                f.get(dst);
                f.get(acc[2 * q])
                  .op("f32x4.demote_f64x2_zero")
                  .get(acc[2 * q + 1])
                  .op("f32x4.demote_f64x2_zero");
                f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
                f.mem("v128.store", 16 * q, 2);
              }
            } else {
              const acc = [0, 1, 2, 3].map(() => f.local("v128"));
              for (const a of acc) f.f32x4(init).set(a);
              f.for(
                i,
                () => f.i32(0),
                () => f.get(len),
                1,
                () => {
                  for (let q = 0; q < 4; q++)
                    f.get(acc[q])
                      .get(p)
                      .mem("v128.load", 16 * q, 2)
                      .op(vop)
                      .set(acc[q]);
                  f.inc(p, rowB);
                },
              );
              for (let q = 0; q < 4; q++)
                f.get(dst)
                  .get(acc[q])
                  .mem("v128.store", 16 * q, 2);
            }
          },
        );
        // Remaining columns one at a time, in the same order of i.
        f.for(
          j,
          () => f.get(vend),
          () => f.get(j1),
          1,
          () => {
            f.get(slab).get(j).i32(4).op("i32.mul").op("i32.add").set(p);
            f.get(out)
              .get(o)
              .get(inner)
              .op("i32.mul")
              .get(j)
              .op("i32.add")
              .i32(4)
              .op("i32.mul")
              .op("i32.add")
              .set(dst);
            if (kind === "sum") {
              const s = f.local("f64");
              f.f64(0).set(s);
              f.for(
                i,
                () => f.i32(0),
                () => f.get(len),
                1,
                () => {
                  f.get(s).get(p).mem("f32.load").op("f64.promote_f32").op("f64.add").set(s);
                  f.inc(p, rowB);
                },
              );
              f.get(dst).get(s).op("f32.demote_f64").mem("f32.store");
            } else {
              const s = f.local("f32");
              f.f32(init).set(s);
              f.for(
                i,
                () => f.i32(0),
                () => f.get(len),
                1,
                () => {
                  f.get(s).get(p).mem("f32.load").op(sop).set(s);
                  f.inc(p, rowB);
                },
              );
              f.get(dst).get(s).mem("f32.store");
            }
          },
        );
      },
    );
  });
  return m.toBytes();
}

/** lo += f64(v[0..1]), hi += f64(v[2..3]). */
function addPromoted(f: FunctionBuilder, lo: Local, hi: Local, v: Local): void {
  f.get(lo).get(v).op("f64x2.promote_low_f32x4").op("f64x2.add").set(lo);
  f.get(hi).get(v).get(v).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
  f.op("f64x2.promote_low_f32x4").op("f64x2.add").set(hi);
}
