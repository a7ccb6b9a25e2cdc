import { type FunctionBuilder, type Local, ModuleBuilder } from "./emitter.ts";

/** What the float32 GEMM module is generated from. */
export interface GemmDescription {
  /** Rows of the register tile (one f32 broadcast each). */
  readonly mr: number;
  /** Columns of the register tile, a multiple of 4 (one f32x4 accumulator per 4 columns and row). */
  readonly nr: number;
  /** Fused multiply-add (relaxed SIMD); otherwise f32x4.mul then f32x4.add. */
  readonly fma: boolean;
  /** Unrolling of the k loop in the micro-kernel. */
  readonly unroll: number;
  /** Memory import: shared for the worker pool. */
  readonly shared: boolean;
  readonly maxPages: number;
}

/**
 * The exported entry point: C[i, j] = Σ_p A[i, p]·B[p, j] for i in [m0, m1) and j in [n0, n1),
 * overwriting C. A[i, p] is the f32 at a + 4·(i·ars + p·acs), B[p, j] at b + 4·(p·brs + j·bcs), and
 * C[i, j] at c + 4·(i·ldc + j): any transpose of A or B is a choice of strides, resolved once by
 * packing. `ws` is a workspace of `gemmWorkspaceBytes` bytes; mc, kc and nc are the cache blocks.
 * The k blocks depend on k and kc only, so every C element is computed by the same operations in the
 * same order whatever rectangle [m0, m1)×[n0, n1) it falls in: splitting C between threads does not
 * change a bit of the result.
 */
export type GemmFn = (
  m0: number,
  m1: number,
  n0: number,
  n1: number,
  k: number,
  a: number,
  ars: number,
  acs: number,
  b: number,
  brs: number,
  bcs: number,
  c: number,
  ldc: number,
  ws: number,
  mc: number,
  kc: number,
  nc: number,
) => void;

/** Bytes of workspace one call needs: a packed A block, a packed B block and one register tile. */
export function gemmWorkspaceBytes(
  d: Pick<GemmDescription, "mr" | "nr">,
  mc: number,
  kc: number,
  nc: number,
): number {
  const mcPad = Math.ceil(mc / d.mr) * d.mr;
  const ncPad = Math.ceil(nc / d.nr) * d.nr;
  return 4 * (mcPad * kc + kc * ncPad + d.mr * d.nr) + 128;
}

/** The depth of the k blocks for a given k: as even as possible, at most kc. */
export function kBlock(k: number, kc: number): number {
  return Math.ceil(k / Math.ceil(k / kc));
}

/** Emits `dst = src` of `count` f32 values through scalar loads (one by one). */
function copyScalar(f: FunctionBuilder, dst: () => void, src: () => void): void {
  dst();
  src();
  f.mem("f32.load").mem("f32.store");
}

/**
 * Generates the GEMM module: a micro-kernel (mr×nr register tile over a packed panel pair), packing
 * routines for A and B with any strides, and the blocked driver `gemm` (see GemmFn).
 */
export function buildGemmModule(d: GemmDescription): Uint8Array<ArrayBuffer> {
  const { mr, nr, fma, unroll } = d;
  if (nr % 4 !== 0) throw new Error("gemm: nr must be a multiple of 4");
  const nv = nr / 4;
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: d.maxPages, shared: d.shared });

  // micro(ap, bp, kb, cp, ldcBytes, first, rows, cols, tile)
  const micro = m.function(null, ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [ap, bp, kb, cp, ldcB, first, rows, cols, tile] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
      f.param(i),
    );
    const acc: Local[][] = [];
    for (let r = 0; r < mr; r++) {
      acc.push([]);
      for (let v = 0; v < nv; v++) {
        const l = f.local("v128");
        acc[r].push(l);
      }
    }
    const bv: Local[] = [];
    for (let v = 0; v < nv; v++) bv.push(f.local("v128"));
    const av = f.local("v128");
    const p = f.local("i32");
    const end = f.local("i32");
    // The accumulators start at zero: locals are zero-initialised.
    const step = (u: number) => {
      for (let v = 0; v < nv; v++)
        f.get(bp)
          .mem("v128.load", 4 * (u * nr + 4 * v), 2)
          .set(bv[v]);
      for (let r = 0; r < mr; r++) {
        f.get(ap)
          .mem("v128.load32_splat", 4 * (u * mr + r))
          .set(av);
        for (let v = 0; v < nv; v++) {
          if (fma) f.get(av).get(bv[v]).get(acc[r][v]).op("f32x4.relaxed_madd").set(acc[r][v]);
          else f.get(acc[r][v]).get(av).get(bv[v]).op("f32x4.mul").op("f32x4.add").set(acc[r][v]);
        }
      }
    };
    // Unrolled main loop over whole groups of `unroll` steps.
    f.get(kb).i32(-unroll).op("i32.and").set(end);
    f.for(
      p,
      () => f.i32(0),
      () => f.get(end),
      unroll,
      () => {
        for (let u = 0; u < unroll; u++) step(u);
        f.inc(ap, 4 * mr * unroll).inc(bp, 4 * nr * unroll);
      },
    );
    f.for(
      p,
      () => f.get(end),
      () => f.get(kb),
      1,
      () => {
        step(0);
        f.inc(ap, 4 * mr).inc(bp, 4 * nr);
      },
    );
    // Full tile straight into C; a partial one through `tile`.
    f.get(rows).i32(mr).op("i32.eq").get(cols).i32(nr).op("i32.eq").op("i32.and");
    f.if(
      () => {
        const row = f.local("i32");
        f.get(cp).set(row);
        for (let r = 0; r < mr; r++) {
          f.get(first);
          f.if(
            () => {
              for (let v = 0; v < nv; v++)
                f.get(row)
                  .get(acc[r][v])
                  .mem("v128.store", 16 * v, 2);
            },
            () => {
              for (let v = 0; v < nv; v++) {
                f.get(row);
                f.get(row)
                  .mem("v128.load", 16 * v, 2)
                  .get(acc[r][v])
                  .op("f32x4.add");
                f.mem("v128.store", 16 * v, 2);
              }
            },
          );
          if (r < mr - 1) f.inc(row, ldcB);
        }
      },
      () => {
        for (let r = 0; r < mr; r++)
          for (let v = 0; v < nv; v++)
            f.get(tile)
              .get(acc[r][v])
              .mem("v128.store", 4 * (r * nr + 4 * v), 2);
        const r = f.local("i32");
        const j = f.local("i32");
        const src = f.local("i32");
        const dst = f.local("i32");
        f.for(
          r,
          () => f.i32(0),
          () => f.get(rows),
          1,
          () => {
            f.get(tile)
              .get(r)
              .i32(4 * nr)
              .op("i32.mul")
              .op("i32.add")
              .set(src);
            f.get(cp).get(r).get(ldcB).op("i32.mul").op("i32.add").set(dst);
            f.for(
              j,
              () => f.i32(0),
              () => f.get(cols),
              1,
              () => {
                f.get(dst);
                f.get(first);
                f.if(
                  () => {
                    f.get(src).mem("f32.load");
                  },
                  () => {
                    f.get(dst).mem("f32.load").get(src).mem("f32.load").op("f32.add");
                  },
                  "f32",
                );
                f.mem("f32.store");
                f.inc(src, 4).inc(dst, 4);
              },
            );
          },
        );
      },
    );
  });

  // A in panels of mr rows (lane stride ars, depth stride acs), B in panels of nr columns (lane
  // stride bcs, depth stride brs): one packer, generated for each width.
  const packA = packPanels(m, mr);
  const packB = mr === nr ? packA : packPanels(m, nr);

  const gemm = m.function(
    "gemm",
    [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
    ],
    [],
    (f) => {
      const [m0, m1, n0, n1, k, a, ars, acs, b, brs, bcs, c, ldc, ws, mc, kc, nc] = Array.from(
        { length: 17 },
        (_, i) => f.param(i),
      );
      const [jc, nb, pc, kb, kcb, ic, mb, jr, ir, pa, pb, tile, ldcB, cols, rows, first] = Array.from(
        { length: 16 },
        () => f.local("i32"),
      );
      // Workspace: packed A (mc rounded up to mr, × kc), packed B (kc × nc rounded up to nr), one tile.
      f.get(ws).set(pa);
      f.get(mc)
        .i32(mr - 1)
        .op("i32.add")
        .i32(mr)
        .op("i32.div_u")
        .i32(mr * 4)
        .op("i32.mul")
        .get(kc)
        .op("i32.mul");
      f.get(ws).op("i32.add").set(pb);
      f.get(nc)
        .i32(nr - 1)
        .op("i32.add")
        .i32(nr)
        .op("i32.div_u")
        .i32(nr * 4)
        .op("i32.mul")
        .get(kc)
        .op("i32.mul");
      f.get(pb).op("i32.add").set(tile);
      f.get(ldc).i32(4).op("i32.mul").set(ldcB);
      // kcb = ceil(k / ceil(k / kc)): k blocks as even as possible.
      f.get(k).get(kc).op("i32.add").i32(1).op("i32.sub").get(kc).op("i32.div_u");
      f.set(kcb);
      f.get(kcb)
        .op("i32.eqz")
        .if(() => {
          f.i32(1).set(kcb);
        });
      f.get(k).get(kcb).op("i32.add").i32(1).op("i32.sub").get(kcb).op("i32.div_u").set(kcb);
      f.for(
        jc,
        () => f.get(n0),
        () => f.get(n1),
        0,
        () => {
          f.get(n1).get(jc).op("i32.sub").set(nb);
          f.get(nb)
            .get(nc)
            .op("i32.gt_s")
            .if(() => {
              f.get(nc).set(nb);
            });
          f.for(
            pc,
            () => f.i32(0),
            () => f.get(k),
            0,
            () => {
              f.get(k).get(pc).op("i32.sub").set(kb);
              f.get(kb)
                .get(kcb)
                .op("i32.gt_s")
                .if(() => {
                  f.get(kcb).set(kb);
                });
              f.get(pc).op("i32.eqz").set(first);
              // packB(b + 4·(pc·brs + jc·bcs), bcs, brs, nb, kb, pb)
              f.get(b).get(pc).get(brs).op("i32.mul").get(jc).get(bcs).op("i32.mul").op("i32.add");
              f.i32(4).op("i32.mul").op("i32.add");
              f.get(bcs).get(brs).get(nb).get(kb).get(pb).call(packB);
              f.for(
                ic,
                () => f.get(m0),
                () => f.get(m1),
                0,
                () => {
                  f.get(m1).get(ic).op("i32.sub").set(mb);
                  f.get(mb)
                    .get(mc)
                    .op("i32.gt_s")
                    .if(() => {
                      f.get(mc).set(mb);
                    });
                  f.get(a).get(ic).get(ars).op("i32.mul").get(pc).get(acs).op("i32.mul").op("i32.add");
                  f.i32(4).op("i32.mul").op("i32.add");
                  f.get(ars).get(acs).get(mb).get(kb).get(pa).call(packA);
                  f.for(
                    jr,
                    () => f.i32(0),
                    () => f.get(nb),
                    nr,
                    () => {
                      f.get(nb).get(jr).op("i32.sub").set(cols);
                      f.get(cols)
                        .i32(nr)
                        .op("i32.gt_s")
                        .if(() => {
                          f.i32(nr).set(cols);
                        });
                      f.for(
                        ir,
                        () => f.i32(0),
                        () => f.get(mb),
                        mr,
                        () => {
                          f.get(mb).get(ir).op("i32.sub").set(rows);
                          f.get(rows)
                            .i32(mr)
                            .op("i32.gt_s")
                            .if(() => {
                              f.i32(mr).set(rows);
                            });
                          // micro(pa + 4·ir·kb, pb + 4·jr·kb, kb, c + 4·((ic + ir)·ldc + jc + jr), ldcB, first, rows, cols, tile)
                          f.get(pa).get(ir).get(kb).op("i32.mul").i32(4).op("i32.mul").op("i32.add");
                          f.get(pb).get(jr).get(kb).op("i32.mul").i32(4).op("i32.mul").op("i32.add");
                          f.get(kb);
                          f.get(c);
                          f.get(ic)
                            .get(ir)
                            .op("i32.add")
                            .get(ldc)
                            .op("i32.mul")
                            .get(jc)
                            .op("i32.add")
                            .get(jr)
                            .op("i32.add");
                          f.i32(4).op("i32.mul").op("i32.add");
                          f.get(ldcB).get(first).get(rows).get(cols).get(tile).call(micro);
                        },
                      );
                    },
                  );
                  f.inc(ic, mc);
                },
              );
              f.inc(pc, kcb);
            },
          );
          f.inc(jc, nc);
        },
      );
    },
  );
  // gemmBatch(t0, t1, table, m0, m1, n0, n1, k, ars, acs, brs, bcs, ldc, ws, mc, kc, nc): gemm over the
  // matrices t in [t0, t1) whose byte addresses a, b, c are table[3t], table[3t + 1], table[3t + 2] (i32).
  m.function(
    "gemmBatch",
    Array.from({ length: 17 }, () => "i32" as const),
    [],
    (f) => {
      const [t0, t1, table, m0, m1, n0, n1, k, ars, acs, brs, bcs, ldc, ws, mc, kc, nc] = Array.from(
        { length: 17 },
        (_, i) => f.param(i),
      );
      const t = f.local("i32");
      const e = f.local("i32");
      f.for(
        t,
        () => f.get(t0),
        () => f.get(t1),
        1,
        () => {
          f.get(table).get(t).i32(12).op("i32.mul").op("i32.add").set(e);
          f.get(m0).get(m1).get(n0).get(n1).get(k);
          f.get(e).mem("i32.load", 0).get(ars).get(acs);
          f.get(e).mem("i32.load", 4).get(brs).get(bcs);
          f.get(e).mem("i32.load", 8).get(ldc);
          f.get(ws).get(mc).get(kc).get(nc).call(gemm);
        },
      );
    },
  );
  return m.toBytes();
}

/**
 * Generates pack(src, laneStride, depthStride, count, depth, dst): the f32 at
 * src + 4·(l·laneStride + p·depthStride) for lanes l < count and depths p < depth, written as
 * panels of `width` lanes, [panel][p][width], with zero lanes past `count`. A panels are rows of A
 * (lanes along its rows), B panels columns of B. Where the lanes of a whole panel are contiguous
 * (laneStride 1, width a multiple of 4) each depth is a vector copy; otherwise lanes are copied one
 * by one, each read in order of p (a transposed operand reads memory in order).
 */
function packPanels(m: ModuleBuilder, width: number): number {
  return m.function(null, ["i32", "i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [src, laneStride, depthStride, count, depth, dst] = [0, 1, 2, 3, 4, 5].map((i) => f.param(i));
    const [lp, lanes, l, p, panel, s, o, laneB, depthB] = Array.from({ length: 9 }, () => f.local("i32"));
    f.get(laneStride).i32(4).op("i32.mul").set(laneB);
    f.get(depthStride).i32(4).op("i32.mul").set(depthB);
    f.for(
      lp,
      () => f.i32(0),
      () => f.get(count),
      width,
      () => {
        f.get(count).get(lp).op("i32.sub").set(lanes);
        f.get(lanes)
          .i32(width)
          .op("i32.gt_s")
          .if(() => {
            f.i32(width).set(lanes);
          });
        f.get(dst).get(lp).get(depth).op("i32.mul").i32(4).op("i32.mul").op("i32.add").set(panel);
        const panelStart = () => f.get(src).get(lp).get(laneB).op("i32.mul").op("i32.add");
        const laneByLane = () => {
          f.for(
            l,
            () => f.i32(0),
            () => f.get(lanes),
            1,
            () => {
              panelStart();
              f.get(l).get(laneB).op("i32.mul").op("i32.add").set(s);
              f.get(panel).get(l).i32(4).op("i32.mul").op("i32.add").set(o);
              f.for(
                p,
                () => f.i32(0),
                () => f.get(depth),
                1,
                () => {
                  copyScalar(
                    f,
                    () => f.get(o),
                    () => f.get(s),
                  );
                  f.inc(s, depthB).inc(o, 4 * width);
                },
              );
            },
          );
          // Zero lanes past the edge.
          f.for(
            l,
            () => f.get(lanes),
            () => f.i32(width),
            1,
            () => {
              f.get(panel).get(l).i32(4).op("i32.mul").op("i32.add").set(o);
              f.for(
                p,
                () => f.i32(0),
                () => f.get(depth),
                1,
                () => {
                  f.get(o).f32(0).mem("f32.store");
                  f.inc(o, 4 * width);
                },
              );
            },
          );
        };
        if (width % 4 !== 0) {
          laneByLane();
          return;
        }
        f.get(laneStride).i32(1).op("i32.eq").get(lanes).i32(width).op("i32.eq").op("i32.and");
        f.if(() => {
          panelStart();
          f.set(s);
          f.get(panel).set(o);
          f.for(
            p,
            () => f.i32(0),
            () => f.get(depth),
            1,
            () => {
              for (let v = 0; v < width / 4; v++)
                f.get(o)
                  .get(s)
                  .mem("v128.load", 16 * v, 2)
                  .mem("v128.store", 16 * v, 2);
              f.inc(s, depthB).inc(o, 4 * width);
            },
          );
        }, laneByLane);
      },
    );
  });
}
