import { type Conv2DAttrs, type DType, sizeOf } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_RUNS,
  dot,
  expectClose,
  randomValues,
  run,
  seedArb,
  tensor,
  useCpuBackend,
  values,
} from "../testUtil.ts";

useCpuBackend();

interface Case {
  xs: number[];
  fs: number[];
  ys: number[];
  attrs: Conv2DAttrs;
}

function outSize(n: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

/** Calls fn(xIndex, fIndex, yIndex) for every product term of conv2d(x, f). */
function forEachTerm(c: Case, fn: (xi: number, fi: number, yi: number) => void): void {
  const [n, h, w, ch] = c.xs;
  const [kh, kw, , o] = c.fs;
  const [, oh, ow] = c.ys;
  const [sh, sw] = c.attrs.strides;
  const [dh, dw] = c.attrs.dilations;
  const top = c.attrs.padding[0][0];
  const left = c.attrs.padding[1][0];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ki = 0; ki < kh; ki++)
          for (let kj = 0; kj < kw; kj++) {
            const ih = i * sh - top + ki * dh;
            const iw = j * sw - left + kj * dw;
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            for (let c0 = 0; c0 < ch; c0++)
              for (let q = 0; q < o; q++)
                fn(
                  ((b * h + ih) * w + iw) * ch + c0,
                  ((ki * kw + kj) * ch + c0) * o + q,
                  ((b * oh + i) * ow + j) * o + q,
                );
          }
}

function conv2dRef(c: Case, x: number[], f: number[]): number[] {
  const y = new Array<number>(sizeOf(c.ys)).fill(0);
  forEachTerm(c, (xi, fi, yi) => {
    y[yi] += x[xi] * f[fi];
  });
  return y;
}

function backpropInputRef(c: Case, dy: number[], f: number[]): number[] {
  const dx = new Array<number>(sizeOf(c.xs)).fill(0);
  forEachTerm(c, (xi, fi, yi) => {
    dx[xi] += dy[yi] * f[fi];
  });
  return dx;
}

function backpropFilterRef(c: Case, x: number[], dy: number[]): number[] {
  const df = new Array<number>(sizeOf(c.fs)).fill(0);
  forEachTerm(c, (xi, fi, yi) => {
    df[fi] += x[xi] * dy[yi];
  });
  return df;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 0, max: 2 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    c: fc.integer({ min: 1, max: 3 }),
    o: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    pad: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
  })
  .filter(
    (r) =>
      r.h + r.pad[0] + r.pad[1] >= r.dh * (r.kh - 1) + 1 &&
      r.w + r.pad[2] + r.pad[3] >= r.dw * (r.kw - 1) + 1,
  )
  .map((r) => {
    const attrs: Conv2DAttrs = {
      strides: [r.sh, r.sw],
      dilations: [r.dh, r.dw],
      padding: [
        [r.pad[0], r.pad[1]],
        [r.pad[2], r.pad[3]],
      ],
    };
    const oh = outSize(r.h, r.kh, r.sh, r.dh, r.pad[0], r.pad[1]);
    const ow = outSize(r.w, r.kw, r.sw, r.dw, r.pad[2], r.pad[3]);
    return { xs: [r.n, r.h, r.w, r.c], fs: [r.kh, r.kw, r.c, r.o], ys: [r.n, oh, ow, r.o], attrs };
  });

function check(c: Case, seed: number, dtype: DType): void {
  const round = dtype === "float32" ? Math.fround : (v: number) => v;
  const x = randomValues(seed, sizeOf(c.xs)).map(round);
  const f = randomValues(seed + 1, sizeOf(c.fs)).map(round);
  const dy = randomValues(seed + 2, sizeOf(c.ys)).map(round);
  const [atol, rtol] = dtype === "float32" ? [1e-6, 1e-6] : [1e-12, 1e-12];
  const y = run("conv2d", [tensor(x, c.xs, dtype), tensor(f, c.fs, dtype)], c.attrs);
  expect(y.shape).toEqual(c.ys);
  expectClose(values(y), conv2dRef(c, x, f).map(round), atol, rtol);
  const dx = run("conv2dBackpropInput", [tensor(dy, c.ys, dtype), tensor(f, c.fs, dtype)], {
    ...c.attrs,
    inputShape: c.xs,
  });
  expect(dx.shape).toEqual(c.xs);
  expectClose(values(dx), backpropInputRef(c, dy, f).map(round), atol, rtol);
  const df = run("conv2dBackpropFilter", [tensor(x, c.xs, dtype), tensor(dy, c.ys, dtype)], {
    ...c.attrs,
    filterShape: c.fs,
  });
  expect(df.shape).toEqual(c.fs);
  expectClose(values(df), backpropFilterRef(c, x, dy).map(round), atol, rtol);
}

describe("conv2d and its backprops", () => {
  it("match nested-loop references for random strides, paddings and dilations", () => {
    fc.assert(
      fc.property(caseArb, seedArb, fc.constantFrom<DType>("float64", "float32"), (c, seed, dtype) =>
        check(c, seed, dtype),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("are adjoint: <conv2d(x,f), dy> = <x, backpropInput(dy,f)> = <f, backpropFilter(x,dy)>", () => {
    fc.assert(
      fc.property(caseArb, seedArb, (c, seed) => {
        const x = randomValues(seed, sizeOf(c.xs));
        const f = randomValues(seed + 1, sizeOf(c.fs));
        const dy = randomValues(seed + 2, sizeOf(c.ys));
        const y = values(run("conv2d", [tensor(x, c.xs), tensor(f, c.fs)], c.attrs));
        const dx = values(
          run("conv2dBackpropInput", [tensor(dy, c.ys), tensor(f, c.fs)], { ...c.attrs, inputShape: c.xs }),
        );
        const df = values(
          run("conv2dBackpropFilter", [tensor(x, c.xs), tensor(dy, c.ys)], { ...c.attrs, filterShape: c.fs }),
        );
        const a = dot(y, dy);
        const tol = 1e-12 * (1 + Math.abs(a));
        expect(Math.abs(a - dot(x, dx))).toBeLessThanOrEqual(tol);
        expect(Math.abs(a - dot(f, df))).toBeLessThanOrEqual(tol);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("handles 1×1 filters (x is its own im2col matrix)", () => {
    const c: Case = {
      xs: [2, 3, 4, 5],
      fs: [1, 1, 5, 3],
      ys: [2, 3, 4, 3],
      attrs: {
        strides: [1, 1],
        dilations: [1, 1],
        padding: [
          [0, 0],
          [0, 0],
        ],
      },
    };
    check(c, 7, "float64");
    check(c, 8, "float32");
  });

  it("builds im2col in several chunks for large inputs", () => {
    const c: Case = {
      xs: [1, 46, 46, 64],
      fs: [3, 3, 64, 2],
      ys: [1, 46, 46, 2],
      attrs: {
        strides: [1, 1],
        dilations: [1, 1],
        padding: [
          [1, 1],
          [1, 1],
        ],
      },
    };
    check(c, 9, "float32");
  });

  it("gives zeros with no input channels and empty outputs for an empty batch", () => {
    const attrs: Conv2DAttrs = {
      strides: [1, 1],
      dilations: [1, 1],
      padding: [
        [0, 0],
        [0, 0],
      ],
    };
    const y = run("conv2d", [tensor([], [1, 2, 2, 0]), tensor([], [1, 1, 0, 2])], attrs);
    expect(values(y)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const df = run("conv2dBackpropFilter", [tensor([], [0, 2, 2, 1]), tensor([], [0, 2, 2, 1])], {
      ...attrs,
      filterShape: [1, 1, 1, 1],
    });
    expect(values(df)).toEqual([0]);
  });
});
