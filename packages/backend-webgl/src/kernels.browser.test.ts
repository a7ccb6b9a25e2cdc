import { ValueError, philoxUniform, runPrimitive, tidy } from "@axon/core";
import { beforeAll, describe, expect, it } from "vitest";
import { run, t, useWebGLGpuOnly } from "./test/setup.ts";

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

// The GPU kernels themselves, small inputs included: host evaluation is off on this backend
// (host kernels are compared with these in host-kernels.browser.test.ts).
beforeAll(async () => {
  await useWebGLGpuOnly();
});

describe("reductions on the GPU", () => {
  it("a long sum runs in passes over windows and stays accurate", () =>
    tidy(() => {
      const n = 100_003;
      const xs = Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 3));
      const exact = xs.reduce((a, b) => a + b, 0);
      const { v } = run("sum", [t(xs, [n])], { axes: [0] });
      expect(Math.abs(v[0] - exact)).toBeLessThan(1e-3);
    }));

  it("a long reduction over a leading axis is transposed first", () =>
    tidy(() => {
      const rows = 9000;
      const xs = Array.from({ length: rows * 3 }, (_, i) => (i % 3) + (i % 7 === 0 ? 1 : 0));
      const { v } = run("sum", [t(xs, [rows, 3], "int32")], { axes: [0] });
      const expected = [0, 1, 2].map((c) => xs.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0));
      expect(v).toEqual(expected);
      const m = run(
        "max",
        [
          t(
            xs.map((x, i) => (i === 3 * 8500 + 1 ? NAN : x)),
            [rows, 3],
          ),
        ],
        { axes: [0] },
      );
      expect(m.v[0]).toBe(1);
      expect(m.v[1]).toBeNaN();
      expect(m.v[2]).toBe(3);
    }));

  it("float sums are compensated (the compiler does not fold Kahan away)", () =>
    tidy(() => {
      const xs = [1, ...new Array<number>(4000).fill(1e-8)];
      const { v } = run("sum", [t(xs, [xs.length])], { axes: [0] });
      expect(v[0]).toBeCloseTo(1.00004, 6);
    }));

  it("argmax/argmin: the first NaN wins, then the first extreme", () =>
    tidy(() => {
      expect(run("argmax", [t([1, 3, NAN, 3, NAN], [5])], { axis: 0 }).v).toEqual([2]);
      expect(run("argmin", [t([2, -1, 5, -1], [4])], { axis: 0 }).v).toEqual([1]);
      expect(run("argmax", [t([1, 5, 5, 2, 9, 9], [2, 3], "int32")], { axis: 1 }).v).toEqual([1, 1]);
    }));
});

describe("elementwise edge cases", () => {
  it("pow: negative bases with integer exponents, Math.pow's special cases", () =>
    tidy(() => {
      const a = [-2, -2, -3, -8, 2, 0, -0, 0, 1, NAN, -1, 2.5, 10, -INF, -INF];
      const b = [3, 2, -3, 1 / 3, 0.5, -1, -3, 0, NAN, 0, INF, 2.2, -3, 3, -2];
      const { v } = run("pow", [t(a, [a.length]), t(b, [b.length])]);
      a.forEach((x, i) => {
        const e = Math.fround(Math.fround(x) ** Math.fround(b[i]));
        if (Number.isNaN(e)) expect(v[i], `pow(${x}, ${b[i]})`).toBeNaN();
        else expect(v[i], `pow(${x}, ${b[i]})`).toBeCloseTo(e, 5);
      });
    }));

  it("div and mod: IEEE division by zero, floor-mod with the divisor's sign", () =>
    tidy(() => {
      const d = run("div", [t([1, -1, 0, INF, 1, 6], [6]), t([0, 0, 0, INF, -INF, 3], [6])]).v;
      expect(d.slice(0, 2)).toEqual([INF, -INF]);
      expect(d[2]).toBeNaN();
      expect(d[3]).toBeNaN();
      expect(Object.is(d[4], -0)).toBe(true);
      expect(d[5]).toBe(2);
      const m = run("mod", [t([5, -5, 5, -5, 5.5, 1e10, 3], [7]), t([3, 3, -3, -3, 2, 3, 0], [7])]).v;
      expect(m.slice(0, 6)).toEqual([2, 1, -1, -2, 1.5, Math.fround(1e10) % 3]);
      expect(m[6]).toBeNaN();
      const im = run("mod", [
        t([5, -5, 5, -5, -2147483648, 7], [6], "int32"),
        t([3, 3, -3, -3, -1, 0], [6], "int32"),
      ]).v;
      expect(im).toEqual([2, 1, -1, -2, 0, 0]);
      // exponent gaps above 127: the divisor is scaled in two steps (2^128 alone overflows float32)
      const gap = run("mod", [t([1e30, 3e38, -1e38], [3]), t([1e-30, 7, 1e-10], [3])]).v;
      expect(gap).toEqual(
        [
          [1e30, 1e-30],
          [3e38, 7],
          [-1e38, 1e-10],
        ].map(([a, b]) => {
          const r = Math.fround(a) % Math.fround(b);
          return Math.fround(r !== 0 && r < 0 !== b < 0 ? r + Math.fround(b) : r);
        }),
      );
    }));

  it("int32 arithmetic wraps like Int32Array", () =>
    tidy(() => {
      expect(run("add", [t([2147483647], [1], "int32"), t([1], [1], "int32")]).v).toEqual([-2147483648]);
      expect(run("mul", [t([65536], [1], "int32"), t([65536], [1], "int32")]).v).toEqual([0]);
      expect(run("neg", [t([-2147483648], [1], "int32")]).v).toEqual([-2147483648]);
    }));

  it("maximum/minimum propagate NaN; comparisons with NaN are false except notEqual", () =>
    tidy(() => {
      const a = t([NAN, 1, 2], [3]);
      const b = t([1, NAN, 1], [3]);
      const mx = run("maximum", [a, b]).v;
      expect(mx[0]).toBeNaN();
      expect(mx[1]).toBeNaN();
      expect(mx[2]).toBe(2);
      expect(run("less", [a, b]).v).toEqual([0, 0, 0]);
      expect(run("notEqual", [a, b]).v).toEqual([1, 1, 1]);
    }));

  it("casts: int32 → float32 rounds to nearest even, float32 → int32 saturates", () =>
    tidy(() => {
      expect(run("cast", [t([16777217, 16777219, -16777217], [3], "int32")], { dtype: "float32" }).v).toEqual(
        [16777216, 16777220, -16777216],
      );
      expect(run("cast", [t([3e9, -3e9, NAN, -2.7, 2.7], [5])], { dtype: "int32" }).v).toEqual([
        2147483647, -2147483648, 0, -2, 2,
      ]);
    }));
});

describe("movement, indexing and random", () => {
  it("concat of 20 parts runs in groups of textures", () =>
    tidy(() => {
      const parts = Array.from({ length: 20 }, (_, k) => t([k, k + 100], [1, 2]));
      const { v, t: out } = run("concat", parts, { axis: 0 });
      expect(out.shape).toEqual([20, 2]);
      expect(v).toEqual(Array.from({ length: 20 }, (_, k) => [k, k + 100]).flat());
    }));

  it("gather names the op and the bad index", () =>
    tidy(() => {
      const x = t([1, 2, 3], [3]);
      expect(() => runPrimitive("gather", [x, t([0, 3], [2], "int32")], { axis: 0 })).toThrow(ValueError);
      expect(() => runPrimitive("gather", [x, t([-1], [1], "int32")], { axis: 0 })).toThrow(
        /gather: index -1/,
      );
      expect(() => runPrimitive("scatterAdd", [x, t([0, 1, 5], [3], "int32")], { axis: 0, size: 2 })).toThrow(
        /scatterAdd: index 5/,
      );
    }));

  it("scatterAdd accumulates repeated indices in order", () =>
    tidy(() => {
      const { v } = run("scatterAdd", [t([1, 2, 3, 4, 5, 6], [3, 2]), t([2, 0, 2], [3], "int32")], {
        axis: 0,
        size: 4,
      });
      expect(v).toEqual([3, 4, 0, 0, 6, 8, 0, 0]);
    }));

  it("randomUniform gives philoxUniform's numbers bit for bit", () =>
    tidy(() => {
      for (const key of [
        [0, 0],
        [0xdeadbeef, 0xffffffff],
        [42, 7],
      ] as const) {
        const n = 10_007;
        const { v } = run("randomUniform", [], { shape: [n], dtype: "float32", key });
        const expected = new Float32Array(n);
        philoxUniform(key, n, expected);
        expect(v).toEqual(Array.from(expected));
      }
    }));

  it("matmul with a long inner dimension and broadcast batches", () =>
    tidy(() => {
      const [m, k, n] = [3, 700, 2];
      const a = Array.from({ length: 2 * m * k }, (_, i) => ((i * 7) % 13) - 6);
      const b = Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) - 5);
      const { v, t: out } = run("matmul", [t(a, [2, m, k], "int32"), t(b, [1, k, n], "int32")], {
        transposeA: false,
        transposeB: false,
      });
      expect(out.shape).toEqual([2, m, n]);
      const ref: number[] = [];
      for (let bi = 0; bi < 2; bi++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let q = 0; q < k; q++) s += a[bi * m * k + i * k + q] * b[q * n + j];
            ref.push(s);
          }
      expect(v).toEqual(ref);
    }));
});

describe("texel kernels: four output elements a fragment, operands read a texel at a time", () => {
  const vals = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.731 + seed) * 2));
  const close = (actual: number[], expected: number[]) => {
    expect(actual.length).toBe(expected.length);
    actual.forEach((v, i) => {
      if (Math.abs(v - expected[i]) > 1e-5 * (1 + Math.abs(expected[i])))
        expect.fail(`element ${i}: got ${v}, expected ${expected[i]}`);
    });
  };

  /** a [batch, m, k] · b [k, n] (transposes applied to the stored operands) in float64. */
  function matmulRef(
    a: number[],
    b: number[],
    batch: number,
    m: number,
    k: number,
    n: number,
    tA: boolean,
    tB: boolean,
  ) {
    const out: number[] = [];
    for (let q = 0; q < batch; q++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) {
            const av = tA ? a[q * m * k + p * m + i] : a[q * m * k + i * k + p];
            const bv = tB ? b[j * k + p] : b[p * n + j];
            s += av * bv;
          }
          out.push(s);
        }
    return out;
  }

  for (const [m, k, n] of [
    [3, 8, 4],
    [5, 12, 8],
    [2, 7, 4],
    [4, 5, 12],
  ] as const) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        it(`matmul [2, ${m}, ${k}] · [${k}, ${n}] transposeA ${tA} transposeB ${tB}: float32 and exact int32`, () =>
          tidy(() => {
            const batch = 2;
            const a = vals(batch * m * k, 1);
            const b = vals(k * n, 2);
            const aShape = tA ? [batch, k, m] : [batch, m, k];
            const bShape = tB ? [n, k] : [k, n];
            const attrs = { transposeA: tA, transposeB: tB };
            const { v, t: out } = run("matmul", [t(a, aShape), t(b, bShape)], attrs);
            expect(out.shape).toEqual([batch, m, n]);
            close(v, matmulRef(a, b, batch, m, k, n, tA, tB));
            const ai = a.map((x) => Math.round(x * 1000));
            const bi = b.map((x) => Math.round(x * 1000));
            const iv = run("matmul", [t(ai, aShape, "int32"), t(bi, bShape, "int32")], attrs).v;
            expect(iv).toEqual(matmulRef(ai, bi, batch, m, k, n, tA, tB));
          }));
      }
    }
  }

  interface Geo {
    n: number;
    h: number;
    w: number;
    c: number;
    o: number;
    k: number;
    s: number;
    d: number;
    p: number;
  }
  const geos: Geo[] = [
    { n: 2, h: 6, w: 5, c: 4, o: 8, k: 3, s: 1, d: 1, p: 1 },
    { n: 1, h: 7, w: 7, c: 8, o: 4, k: 3, s: 2, d: 1, p: 2 },
    { n: 2, h: 7, w: 6, c: 3, o: 4, k: 2, s: 1, d: 2, p: 0 },
    { n: 1, h: 5, w: 5, c: 4, o: 3, k: 3, s: 2, d: 2, p: 1 },
  ];
  const outSize = (g: Geo, len: number) => Math.floor((len + 2 * g.p - g.d * (g.k - 1) - 1) / g.s) + 1;

  /** y = conv2d(x, f), dx = Σ dy·f, df = Σ x·dy in float64, NHWC with symmetric padding p. */
  function convRef(g: Geo, x: number[], f: number[], dy: number[]) {
    const oh = outSize(g, g.h);
    const ow = outSize(g, g.w);
    const y = new Array<number>(g.n * oh * ow * g.o).fill(0);
    const dx = new Array<number>(x.length).fill(0);
    const df = new Array<number>(f.length).fill(0);
    for (let b = 0; b < g.n; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++)
          for (let ky = 0; ky < g.k; ky++)
            for (let kx = 0; kx < g.k; kx++) {
              const iy = oy * g.s - g.p + ky * g.d;
              const ix = ox * g.s - g.p + kx * g.d;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              for (let c = 0; c < g.c; c++)
                for (let o = 0; o < g.o; o++) {
                  const xi = ((b * g.h + iy) * g.w + ix) * g.c + c;
                  const fi = ((ky * g.k + kx) * g.c + c) * g.o + o;
                  const yi = ((b * oh + oy) * ow + ox) * g.o + o;
                  y[yi] += x[xi] * f[fi];
                  dx[xi] += dy[yi] * f[fi];
                  df[fi] += x[xi] * dy[yi];
                }
            }
    return { y, dx, df, yShape: [g.n, oh, ow, g.o] };
  }

  for (const g of geos) {
    it(`conv2d and both backprops, x [${g.n},${g.h},${g.w},${g.c}], f [${g.k},${g.k},${g.c},${g.o}], stride ${g.s}, dilation ${g.d}`, () =>
      tidy(() => {
        const xShape = [g.n, g.h, g.w, g.c];
        const fShape = [g.k, g.k, g.c, g.o];
        const x = vals(g.n * g.h * g.w * g.c, 3);
        const f = vals(g.k * g.k * g.c * g.o, 4);
        const oh = outSize(g, g.h);
        const ow = outSize(g, g.w);
        const dy = vals(g.n * oh * ow * g.o, 5);
        const ref = convRef(g, x, f, dy);
        const attrs = {
          strides: [g.s, g.s] as const,
          dilations: [g.d, g.d] as const,
          padding: [
            [g.p, g.p],
            [g.p, g.p],
          ] as const,
        };
        const y = run("conv2d", [t(x, xShape), t(f, fShape)], attrs);
        expect(y.t.shape).toEqual(ref.yShape);
        close(y.v, ref.y);
        close(
          run("conv2dBackpropInput", [t(dy, ref.yShape), t(f, fShape)], { ...attrs, inputShape: xShape }).v,
          ref.dx,
        );
        close(
          run("conv2dBackpropFilter", [t(x, xShape), t(dy, ref.yShape)], { ...attrs, filterShape: fShape }).v,
          ref.df,
        );
      }));
  }
});
