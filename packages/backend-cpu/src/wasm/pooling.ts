import { type FunctionBuilder, type Local, ModuleBuilder, type PlainOp } from "./emitter.ts";

/**
 * 2-D pooling over NHWC data with the windows of kernels/poolWindows.ts: a window is clipped to the
 * input, padded positions are not part of it. Channels are the vector axis (4 float32/int32 or 2
 * float64 per v128); the channels past the last whole vector run the same lane-wise code alone in
 * lane 0, so every element gets the same bits wherever it falls.
 */
export interface PoolingDescription {
  readonly kind: "max" | "avg" | "maxBackward" | "avgBackward";
  readonly dtype: "float32" | "float64" | "int32";
  /**
   * Backward kinds: where the gradient is accumulated. "float64": a float64 array in window order
   * (the JavaScript kernels' order and precision; the caller rounds it to float32 afterwards);
   * "direct": the float32 output itself, only for windows that do not overlap (each element then
   * receives at most one contribution, which gives the same bits).
   */
  readonly accumulate?: "float64" | "direct";
}

/**
 * The exported `pool` function takes the byte addresses of its arrays, then the geometry and a range
 * of output rows (r = image·oh + output row):
 *
 *   max, avg:     pool(x, y, h, w, c, oh, ow, fh, fw, sh, sw, top, left, r0, r1)
 *   maxBackward:  pool(dy, x, acc, h, w, c, oh, ow, fh, fw, sh, sw, top, left, r0, r1)
 *   avgBackward:  pool(dy, acc, h, w, c, oh, ow, fh, fw, sh, sw, top, left, r0, r1)
 *
 * max keeps the first maximum in row-major window order and the first NaN if there is one (strictly
 * greater wins, so of −0 and +0 the first stays); an empty window gives −∞ (−2³¹ for int32). avg sums
 * in float64 from +0 in window order and divides by the in-bounds count (0 for an empty window).
 * The backward kinds add into `acc` (zeroed by the caller): maxBackward sends dy to the window's
 * first maximum, avgBackward spreads dy/count over the window, in output order.
 */
export type PoolingFn = (...args: number[]) => void;

export function poolingKey(d: PoolingDescription, shared: boolean, maxPages: number): string {
  return `pool:${d.kind}:${d.dtype}:${d.accumulate ?? ""}:${shared ? "s" : "u"}${maxPages}`;
}

/** h, w, c, oh, ow, fh, fw, sh, sw, top, left, r0, r1. */
const GEOMETRY = 13;

export function buildPoolingModule(
  d: PoolingDescription,
  shared: boolean,
  maxPages: number,
): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: maxPages, shared });
  const arrays = d.kind === "maxBackward" ? 3 : 2;
  const params = Array.from({ length: arrays + GEOMETRY }, () => "i32" as const);
  m.function("pool", params, [], (f) => {
    const ptrs = Array.from({ length: arrays }, (_, i) => f.param(i));
    const [h, w, c, oh, ow, fh, fw, sh, sw, top, left, r0, r1] = Array.from({ length: GEOMETRY }, (_, i) =>
      f.param(arrays + i),
    );
    const g = new Geometry(f, { h, w, c, oh, ow, fh, fw, sh, sw, top, left });
    const emit = KINDS[d.kind];
    const size = d.dtype === "float64" ? 8 : 4;
    const lanes = 16 / size;
    f.for(
      g.r,
      () => f.get(r0),
      () => f.get(r1),
      1,
      () => {
        g.row();
        f.for(
          g.j,
          () => f.i32(0),
          () => f.get(ow),
          1,
          () => {
            g.column();
            // Groups of four vectors of channels (independent chains for the CPU to overlap), then
            // single vectors, then the channels past the last vector one by one.
            const cw = f.local("i32");
            f.get(c)
              .i32(-4 * lanes)
              .op("i32.and")
              .set(cw);
            f.get(c).i32(-lanes).op("i32.and").set(g.cv);
            f.for(
              g.ch,
              () => f.i32(0),
              () => f.get(cw),
              4 * lanes,
              () => emit(f, d, g, ptrs, true, 4),
            );
            f.for(
              g.ch,
              () => f.get(cw),
              () => f.get(g.cv),
              lanes,
              () => emit(f, d, g, ptrs, true, 1),
            );
            f.for(
              g.ch,
              () => f.get(g.cv),
              () => f.get(c),
              1,
              () => emit(f, d, g, ptrs, false, 1),
            );
          },
        );
      },
    );
  });
  return m.toBytes();
}

interface Dims {
  readonly h: Local;
  readonly w: Local;
  readonly c: Local;
  readonly oh: Local;
  readonly ow: Local;
  readonly fh: Local;
  readonly fw: Local;
  readonly sh: Local;
  readonly sw: Local;
  readonly top: Local;
  readonly left: Local;
}

/** Loop state of one output pixel: its window [h0, h1) × [w0, w1), element offsets, channel. */
class Geometry {
  readonly r: Local;
  readonly j: Local;
  readonly ch: Local;
  readonly cv: Local;
  readonly h0: Local;
  readonly h1: Local;
  readonly w0: Local;
  readonly w1: Local;
  /** Element offset of the first pixel of the image. */
  readonly inBase: Local;
  /** Element offset of the output pixel. */
  readonly out: Local;
  readonly ih: Local;
  readonly iw: Local;
  readonly count: Local;
  readonly #f: FunctionBuilder;
  readonly #d: Dims;

  constructor(f: FunctionBuilder, d: Dims) {
    this.#f = f;
    this.#d = d;
    [this.r, this.j, this.ch, this.cv, this.h0, this.h1, this.w0, this.w1, this.inBase, this.out] =
      Array.from({ length: 10 }, () => f.local("i32"));
    [this.ih, this.iw, this.count] = [f.local("i32"), f.local("i32"), f.local("i32")];
  }

  /** Window rows and image of output row r. */
  row(): void {
    const f = this.#f;
    const d = this.#d;
    const b = f.local("i32");
    const i = f.local("i32");
    const hs = f.local("i32");
    f.get(this.r).get(d.oh).op("i32.div_u").set(b);
    f.get(this.r).get(b).get(d.oh).op("i32.mul").op("i32.sub").set(i);
    f.get(b).get(d.h).op("i32.mul").get(d.w).op("i32.mul").get(d.c).op("i32.mul").set(this.inBase);
    f.get(i).get(d.sh).op("i32.mul").get(d.top).op("i32.sub").set(hs);
    clamp(f, this.h0, this.h1, hs, d.fh, d.h);
  }

  /** Window columns, output offset and in-bounds count of output pixel (r, j). */
  column(): void {
    const f = this.#f;
    const d = this.#d;
    const ws = f.local("i32");
    f.get(this.j).get(d.sw).op("i32.mul").get(d.left).op("i32.sub").set(ws);
    clamp(f, this.w0, this.w1, ws, d.fw, d.w);
    f.get(this.r).get(d.ow).op("i32.mul").get(this.j).op("i32.add").get(d.c).op("i32.mul").set(this.out);
    // count = max(0, h1 − h0)·max(0, w1 − w0)
    f.get(this.h1).get(this.h0).op("i32.sub").i32(0);
    maxTop(f);
    f.get(this.w1).get(this.w0).op("i32.sub").i32(0);
    maxTop(f);
    f.op("i32.mul").set(this.count);
  }

  /** elem = element offset of the window's first position (h0, w0) at the current channel. */
  firstElement(elem: Local): void {
    const f = this.#f;
    const d = this.#d;
    f.get(this.inBase).get(this.h0).get(d.w).op("i32.mul").get(this.w0).op("i32.add");
    f.get(d.c).op("i32.mul").op("i32.add").get(this.ch).op("i32.add").set(elem);
  }

  /** Runs `body(slot)` for each window position in row-major order, with `elem` its element offset. */
  forWindow(elem: Local, body: (slot: Local) => void): void {
    const f = this.#f;
    const d = this.#d;
    const slot = f.local("i32");
    f.i32(0).set(slot);
    f.for(
      this.ih,
      () => f.get(this.h0),
      () => f.get(this.h1),
      1,
      () => {
        f.get(this.inBase).get(this.ih).get(d.w).op("i32.mul").get(this.w0).op("i32.add");
        f.get(d.c).op("i32.mul").op("i32.add").get(this.ch).op("i32.add").set(elem);
        f.for(
          this.iw,
          () => f.get(this.w0),
          () => f.get(this.w1),
          1,
          () => {
            body(slot);
            f.inc(slot, 1).inc(elem, d.c);
          },
        );
      },
    );
  }
}

/** lo = max(0, start), hi = min(limit, start + size). */
function clamp(f: FunctionBuilder, lo: Local, hi: Local, start: Local, size: Local, limit: Local): void {
  f.get(start).i32(0);
  maxTop(f);
  f.set(lo);
  f.get(start).get(size).op("i32.add").get(limit);
  minTop(f);
  f.set(hi);
}

/** max of the two i32 on the stack. */
function maxTop(f: FunctionBuilder): void {
  const a = f.local("i32");
  const b = f.local("i32");
  f.set(b).set(a);
  f.get(a).get(b).get(a).get(b).op("i32.gt_s").op("select");
}

function minTop(f: FunctionBuilder): void {
  const a = f.local("i32");
  const b = f.local("i32");
  f.set(b).set(a);
  f.get(a).get(b).get(a).get(b).op("i32.lt_s").op("select");
}

/** Vector operations of one dtype, on whole vectors of channels or on lane 0 alone. */
class Lanes {
  readonly size: number;
  constructor(
    readonly f: FunctionBuilder,
    readonly dtype: PoolingDescription["dtype"],
    readonly whole: boolean,
  ) {
    this.size = dtype === "float64" ? 8 : 4;
  }

  /** Pushes vector v (16·v bytes on) from element offset `elem` of the array at `base`. */
  load(base: Local, elem: Local, v = 0): void {
    const f = this.f;
    f.get(base).get(elem).i32(this.size).op("i32.mul").op("i32.add");
    if (this.whole) f.mem("v128.load", 16 * v, this.size === 8 ? 3 : 2);
    else f.mem(this.size === 8 ? "v128.load64_splat" : "v128.load32_splat");
  }

  /** Stores `value` as vector v from element offset `elem` of the array at `base` (lane 0 alone in a tail). */
  store(base: Local, elem: Local, value: Local, v = 0): void {
    const f = this.f;
    f.get(base).get(elem).i32(this.size).op("i32.mul").op("i32.add").get(value);
    if (this.whole) f.mem("v128.store", 16 * v, this.size === 8 ? 3 : 2);
    else if (this.dtype === "float64") f.lane("f64x2.extract_lane", 0).mem("f64.store");
    else if (this.dtype === "float32") f.lane("f32x4.extract_lane", 0).mem("f32.store");
    else f.lane("i32x4.extract_lane", 0).mem("i32.store");
  }

  splat(value: number): void {
    if (this.dtype === "float64") this.f.f64x2(value);
    else if (this.dtype === "float32") this.f.f32x4(value);
    else this.f.i32x4(value);
  }

  /**
   * m = x where x wins against m: strictly greater, or NaN where m is not (the JavaScript kernels'
   * `v > m || (isNaN(v) && !isNaN(m))`); `chosen` gets the mask.
   */
  update(m: Local, x: Local, chosen: Local): void {
    const f = this.f;
    if (this.dtype === "int32") {
      f.get(m).get(x).op("i32x4.lt_s");
    } else {
      const p = this.dtype === "float64" ? "f64x2" : "f32x4";
      f.get(m)
        .get(x)
        .op(`${p}.lt` as PlainOp);
      f.get(x)
        .get(x)
        .op(`${p}.ne` as PlainOp);
      f.get(m)
        .get(m)
        .op(`${p}.eq` as PlainOp);
      f.op("v128.and").op("v128.or");
    }
    f.set(chosen);
    f.get(x).get(m).get(chosen).op("v128.bitselect").set(m);
  }
}

/** Emits one kind for `vectors` vectors of channels from g.ch (whole), or for channel g.ch alone. */
type KindEmitter = (
  f: FunctionBuilder,
  d: PoolingDescription,
  g: Geometry,
  ptrs: Local[],
  whole: boolean,
  vectors: number,
) => void;

/** An f32x4 as two f64x2 (lanes 0–1, 2–3). */
function promote(f: FunctionBuilder, v: Local): [Local, Local] {
  const lo = f.local("v128");
  const hi = f.local("v128");
  f.get(v).op("f64x2.promote_low_f32x4").set(lo);
  f.get(v).get(v).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
  f.op("f64x2.promote_low_f32x4").set(hi);
  return [lo, hi];
}

/** Two f64x2 rounded to one f32x4. */
function demote(f: FunctionBuilder, lo: Local, hi: Local): Local {
  const v = f.local("v128");
  f.get(lo).op("f32x4.demote_f64x2_zero").get(hi).op("f32x4.demote_f64x2_zero");
  f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]).set(v);
  return v;
}

/** Adds the f64x2 `x` into the float64 array at `acc`, `offset` bytes past element offset `elem`. */
function addF64(f: FunctionBuilder, acc: Local, elem: Local, offset: number, x: Local, whole: boolean): void {
  const addr = f.local("i32");
  f.get(acc).get(elem).i32(8).op("i32.mul").op("i32.add").set(addr);
  f.get(addr);
  if (whole) f.get(addr).mem("v128.load", offset, 3);
  else f.get(addr).mem("v128.load64_splat");
  f.get(x).op("f64x2.add");
  if (whole) f.mem("v128.store", offset, 3);
  else f.lane("f64x2.extract_lane", 0).mem("f64.store");
}

const vectorLocals = (f: FunctionBuilder, n: number) => Array.from({ length: n }, () => f.local("v128"));

const KINDS: Record<PoolingDescription["kind"], KindEmitter> = {
  max(f, d, g, [x, y], whole, vectors) {
    const l = new Lanes(f, d.dtype, whole);
    const m = vectorLocals(f, vectors);
    const xv = vectorLocals(f, vectors);
    const chosen = f.local("v128");
    const elem = f.local("i32");
    for (const mv of m) {
      l.splat(d.dtype === "int32" ? -2147483648 : Number.NEGATIVE_INFINITY);
      f.set(mv);
    }
    g.forWindow(elem, () => {
      xv.forEach((v, i) => {
        l.load(x, elem, i);
        f.set(v);
      });
      m.forEach((mv, i) => {
        l.update(mv, xv[i], chosen);
      });
    });
    f.get(g.out).get(g.ch).op("i32.add").set(elem);
    m.forEach((mv, i) => {
      l.store(y, elem, mv, i);
    });
  },

  avg(f, d, g, [x, y], whole, vectors) {
    const l = new Lanes(f, d.dtype, whole);
    const elem = f.local("i32");
    const xv = f.local("v128");
    const f32 = d.dtype === "float32";
    const acc = Array.from({ length: vectors }, () => vectorLocals(f, f32 ? 2 : 1));
    for (const a of acc.flat()) f.f64x2(0).set(a);
    g.forWindow(elem, () => {
      acc.forEach((a, i) => {
        l.load(x, elem, i);
        f.set(xv);
        const parts = f32 ? promote(f, xv) : [xv];
        a.forEach((h, k) => {
          f.get(h).get(parts[k]).op("f64x2.add").set(h);
        });
      });
    });
    // sum / count in float64, rounded once; an empty window stores 0 (its sum is +0, and 0/0 is NaN).
    f.get(g.out).get(g.ch).op("i32.add").set(elem);
    f.get(g.count).op("i32.eqz");
    f.if(
      () => {
        const zero = f.local("v128");
        l.splat(0);
        f.set(zero);
        acc.forEach((_, i) => {
          l.store(y, elem, zero, i);
        });
      },
      () => {
        const count = f.local("v128");
        f.get(g.count).op("f64.convert_i32_s").op("f64x2.splat").set(count);
        acc.forEach((a, i) => {
          for (const h of a) f.get(h).get(count).op("f64x2.div").set(h);
          l.store(y, elem, f32 ? demote(f, a[0], a[1]) : a[0], i);
        });
      },
    );
  },

  maxBackward(f, d, g, [dy, x, acc], whole, vectors) {
    const l = new Lanes(f, d.dtype, whole);
    const elem = f.local("i32");
    const first = f.local("i32");
    const out = f.local("i32");
    const m = vectorLocals(f, vectors);
    const xv = vectorLocals(f, vectors);
    const best = vectorLocals(f, vectors);
    const grad = vectorLocals(f, vectors);
    const chosen = f.local("v128");
    const slotv = f.local("v128");
    const add = f.local("v128");
    f.get(g.count).op("i32.eqz");
    f.if(
      () => {},
      () => {
        // The first element, then the first that beats it (slot numbers in every 32-bit lane).
        g.firstElement(first);
        m.forEach((mv, i) => {
          l.load(x, first, i);
          f.set(mv);
          f.i32x4(0).set(best[i]);
        });
        g.forWindow(elem, (slot) => {
          f.get(slot).op("i32x4.splat").set(slotv);
          xv.forEach((v, i) => {
            l.load(x, elem, i);
            f.set(v);
          });
          m.forEach((mv, i) => {
            l.update(mv, xv[i], chosen);
            f.get(slotv).get(best[i]).get(chosen).op("v128.bitselect").set(best[i]);
          });
        });
        f.get(g.out).get(g.ch).op("i32.add").set(out);
        grad.forEach((gv, i) => {
          l.load(dy, out, i);
          f.set(gv);
        });
        // Every position adds dy where it is the chosen one and +0 elsewhere (x + 0 = x: the sums start at +0).
        g.forWindow(elem, (slot) => {
          f.get(slot).op("i32x4.splat").set(slotv);
          grad.forEach((gv, i) => {
            f.get(gv).get(best[i]).get(slotv).op("i32x4.eq").op("v128.and").set(add);
            if (d.accumulate === "direct" || d.dtype === "float64") {
              const p = d.dtype === "float64" ? "f64x2" : "f32x4";
              const sum = f.local("v128");
              l.load(acc, elem, i);
              f.get(add)
                .op(`${p}.add` as PlainOp)
                .set(sum);
              l.store(acc, elem, sum, i);
            } else {
              const [lo, hi] = promote(f, add);
              addF64(f, acc, elem, 32 * i, lo, whole);
              if (whole) addF64(f, acc, elem, 32 * i + 16, hi, whole);
            }
          });
        });
      },
    );
  },

  avgBackward(f, d, g, [dy, acc], whole, vectors) {
    const l = new Lanes(f, d.dtype, whole);
    const elem = f.local("i32");
    const out = f.local("i32");
    const grad = f.local("v128");
    f.get(g.count).op("i32.eqz");
    f.if(
      () => {},
      () => {
        const count = f.local("v128");
        f.get(g.count).op("f64.convert_i32_s").op("f64x2.splat").set(count);
        f.get(g.out).get(g.ch).op("i32.add").set(out);
        // dy / count in float64, as the JavaScript kernel divides.
        const shares = Array.from({ length: vectors }, (_, i) => {
          l.load(dy, out, i);
          f.set(grad);
          const parts = d.dtype === "float32" ? promote(f, grad) : [grad];
          return parts.map((p) => {
            const q = f.local("v128");
            f.get(p).get(count).op("f64x2.div").set(q);
            return q;
          });
        });
        if (d.accumulate === "direct" && d.dtype === "float32") {
          // The only contribution: float32(+0 + dy/count).
          const values = shares.map((share) => {
            const [lo, hi] = share.map((q) => {
              const s = f.local("v128");
              f.f64x2(0).get(q).op("f64x2.add").set(s);
              return s;
            });
            return demote(f, lo, hi);
          });
          g.forWindow(elem, () => {
            values.forEach((v, i) => {
              l.store(acc, elem, v, i);
            });
          });
        } else {
          const step = d.dtype === "float32" ? 32 : 16;
          g.forWindow(elem, () => {
            shares.forEach((share, i) => {
              share.forEach((q, half) => {
                if (whole || half === 0) addF64(f, acc, elem, step * i + 16 * half, q, whole);
              });
            });
          });
        }
      },
    );
  },
};
