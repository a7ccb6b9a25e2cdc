import { type FunctionBuilder, type Local, ModuleBuilder } from "./emitter.ts";
import { Odometer } from "./odometer.ts";

/**
 * A tiled transpose of elements of `bytes` bytes (1, 4 or 8). The exported function
 *
 *   transpose(src, dst, la, sa, tb, rank, table, scratch, o0, o1, b0, b1)
 *
 * writes, for every outer position o in [o0, o1) and every (i, j) in [b0, b1) × [0, la),
 *
 *   dst[oDst + i·tb + j·bytes] = src[oSrc + i·bytes + j·sa]
 *
 * (byte strides): a matrix read along its contiguous axis i and
 * written along the output's contiguous axis j. The outer positions are the row-major flattening of
 * `rank` further axes whose sizes and byte strides in src and dst are in the odometer table at
 * `table` (`scratch`: the caller's rank i32 digits). Cache blocks of `block`² elements are copied
 * in register tiles transposed with shuffles (4×4 for 4-byte elements, 2×2 for 8-byte ones; 1-byte
 * elements go one at a time), their edges element by element.
 */
export function buildTransposeModule(
  bytes: 1 | 4 | 8,
  shared: boolean,
  maxPages: number,
): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: maxPages, shared });
  const tile = bytes === 4 ? 4 : bytes === 8 ? 2 : 1;
  const block = bytes === 1 ? 64 : 32;
  m.function(
    "transpose",
    Array.from({ length: 12 }, () => "i32" as const),
    [],
    (f) => {
      const [src, dst, la, sa, tb, rank, table, scratch, o0, o1, b0, b1] = Array.from(
        { length: 12 },
        (_, i) => f.param(i),
      );
      const [o, s, d, i0, i1, j0, j1, iv, jv, i, j, ps, pd, ps2, pd2] = Array.from({ length: 15 }, () =>
        f.local("i32"),
      );
      const odometer = new Odometer(f, rank, table, scratch, 2);
      const [srcOff, dstOff] = odometer.offsets;
      /** One element from the address in `from` to the address in `to`. */
      const copy = (from: Local, to: Local) => {
        f.get(to).get(from);
        if (bytes === 8) f.mem("i64.load").mem("i64.store");
        else if (bytes === 4) f.mem("i32.load").mem("i32.store");
        else f.mem("i32.load8_u").mem("i32.store8");
      };
      /** ps = s + i·bytes + j·sa, pd = d + i·tb + j·bytes. */
      const point = (ii: Local, jj: Local) => {
        f.get(s)
          .get(ii)
          .i32(bytes)
          .op("i32.mul")
          .op("i32.add")
          .get(jj)
          .get(sa)
          .op("i32.mul")
          .op("i32.add")
          .set(ps);
        f.get(d)
          .get(ii)
          .get(tb)
          .op("i32.mul")
          .op("i32.add")
          .get(jj)
          .i32(bytes)
          .op("i32.mul")
          .op("i32.add")
          .set(pd);
      };
      /** Element by element over [ia, ie) × [ja, je). */
      const scalarRect = (ia: () => void, ie: () => void, ja: () => void, je: () => void) => {
        f.for(i, ia, ie, 1, () => {
          f.for(j, ja, je, 1, () => {
            point(i, j);
            copy(ps, pd);
          });
        });
      };

      odometer.start(() => f.get(o0));
      f.for(
        o,
        () => f.get(o0),
        () => f.get(o1),
        1,
        () => {
          f.get(src).get(srcOff).op("i32.add").set(s);
          f.get(dst).get(dstOff).op("i32.add").set(d);
          f.for(
            i0,
            () => f.get(b0),
            () => f.get(b1),
            block,
            () => {
              minInto(
                f,
                i1,
                () => f.get(i0).i32(block).op("i32.add"),
                () => f.get(b1),
              );
              f.get(i1).get(i0).op("i32.sub").i32(-tile).op("i32.and").get(i0).op("i32.add").set(iv);
              f.for(
                j0,
                () => f.i32(0),
                () => f.get(la),
                block,
                () => {
                  minInto(
                    f,
                    j1,
                    () => f.get(j0).i32(block).op("i32.add"),
                    () => f.get(la),
                  );
                  f.get(j1).get(j0).op("i32.sub").i32(-tile).op("i32.and").get(j0).op("i32.add").set(jv);
                  if (tile > 1) {
                    f.for(
                      i,
                      () => f.get(i0),
                      () => f.get(iv),
                      tile,
                      () => {
                        point(i, j0);
                        f.for(
                          j,
                          () => f.get(j0),
                          () => f.get(jv),
                          tile,
                          () => {
                            transposeTile(f, bytes as 4 | 8, ps, pd, sa, tb, ps2, pd2);
                            f.get(ps).get(sa).i32(tile).op("i32.mul").op("i32.add").set(ps);
                            f.inc(pd, tile * bytes);
                          },
                        );
                      },
                    );
                    // Columns past the last whole tile, then rows past it.
                    scalarRect(
                      () => f.get(i0),
                      () => f.get(iv),
                      () => f.get(jv),
                      () => f.get(j1),
                    );
                    scalarRect(
                      () => f.get(iv),
                      () => f.get(i1),
                      () => f.get(j0),
                      () => f.get(j1),
                    );
                  } else
                    scalarRect(
                      () => f.get(i0),
                      () => f.get(i1),
                      () => f.get(j0),
                      () => f.get(j1),
                    );
                },
              );
            },
          );
          odometer.next();
        },
      );
    },
  );
  return m.toBytes();
}

/** local = min(a, b) (signed). */
function minInto(f: FunctionBuilder, l: Local, a: () => void, b: () => void): void {
  a();
  b();
  a();
  b();
  f.op("i32.lt_s").op("select").set(l);
}

/**
 * One register tile: rows j..j+t−1 of the source (each t consecutive elements along i, at ps, ps + sa,
 * …) become rows i..i+t−1 of the destination (at pd, pd + tb, …).
 */
function transposeTile(
  f: FunctionBuilder,
  bytes: 4 | 8,
  ps: Local,
  pd: Local,
  sa: Local,
  tb: Local,
  ps2: Local,
  pd2: Local,
): void {
  const t = bytes === 4 ? 4 : 2;
  const rows = Array.from({ length: t }, () => f.local("v128"));
  f.get(ps).set(ps2);
  rows.forEach((r, k) => {
    f.get(ps2).mem("v128.load", 0, 0).set(r);
    if (k < t - 1) f.get(ps2).get(sa).op("i32.add").set(ps2);
  });
  const cols: Local[] = [];
  if (bytes === 8) {
    // (r0[0], r1[0]) and (r0[1], r1[1]).
    for (const lanes of [
      [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23],
      [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31],
    ]) {
      const c = f.local("v128");
      f.get(rows[0]).get(rows[1]).shuffle(lanes).set(c);
      cols.push(c);
    }
  } else {
    // Interleave pairs of rows, then pairs of pairs: column q = (r0[q], r1[q], r2[q], r3[q]).
    const lo = i32Lanes([0, 4, 1, 5]);
    const hi = i32Lanes([2, 6, 3, 7]);
    const t0 = f.local("v128");
    const t1 = f.local("v128");
    const t2 = f.local("v128");
    const t3 = f.local("v128");
    f.get(rows[0]).get(rows[1]).shuffle(lo).set(t0);
    f.get(rows[0]).get(rows[1]).shuffle(hi).set(t1);
    f.get(rows[2]).get(rows[3]).shuffle(lo).set(t2);
    f.get(rows[2]).get(rows[3]).shuffle(hi).set(t3);
    for (const [x, y, lanes] of [
      [t0, t2, [0, 1, 4, 5]],
      [t0, t2, [2, 3, 6, 7]],
      [t1, t3, [0, 1, 4, 5]],
      [t1, t3, [2, 3, 6, 7]],
    ] as const) {
      const c = f.local("v128");
      f.get(x).get(y).shuffle(i32Lanes(lanes)).set(c);
      cols.push(c);
    }
  }
  f.get(pd).set(pd2);
  cols.forEach((c, k) => {
    f.get(pd2).get(c).mem("v128.store", 0, 0);
    if (k < t - 1) f.get(pd2).get(tb).op("i32.add").set(pd2);
  });
}

/** Byte indices of an i8x16.shuffle that picks 32-bit lanes (0–3 of a, 4–7 of b). */
function i32Lanes(lanes: readonly number[]): number[] {
  return lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
}
