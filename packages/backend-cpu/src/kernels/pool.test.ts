import { type DType, type Pool2DAttrs, sizeOf } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  NUM_RUNS,
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
  ys: number[];
  attrs: Pool2DAttrs;
}

/** Calls fn(yIndex, xIndices) with the in-bounds x positions of every window, in row-major window order. */
function forEachWindow(c: Case, fn: (yi: number, xis: number[]) => void): void {
  const [n, h, w, ch] = c.xs;
  const [, oh, ow] = c.ys;
  const [fh, fw] = c.attrs.filterSize;
  const [sh, sw] = c.attrs.strides;
  const top = c.attrs.padding[0][0];
  const left = c.attrs.padding[1][0];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let c0 = 0; c0 < ch; c0++) {
          const xis: number[] = [];
          for (let a = 0; a < fh; a++)
            for (let e = 0; e < fw; e++) {
              const ih = i * sh - top + a;
              const iw = j * sw - left + e;
              if (ih >= 0 && ih < h && iw >= 0 && iw < w) xis.push(((b * h + ih) * w + iw) * ch + c0);
            }
          fn(((b * oh + i) * ow + j) * ch + c0, xis);
        }
}

/** The first maximum in window order (a NaN, if any, is the maximum). */
function argmaxOf(x: number[], xis: number[]): number {
  let best = xis[0];
  for (const p of xis) {
    if (Number.isNaN(x[best])) break;
    if (Number.isNaN(x[p]) || x[p] > x[best]) best = p;
  }
  return best;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 0, max: 2 }),
    h: fc.integer({ min: 1, max: 6 }),
    w: fc.integer({ min: 1, max: 6 }),
    c: fc.integer({ min: 1, max: 3 }),
    fh: fc.integer({ min: 1, max: 3 }),
    fw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    pad: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
  })
  .filter((r) => r.h + r.pad[0] + r.pad[1] >= r.fh && r.w + r.pad[2] + r.pad[3] >= r.fw)
  .map((r) => {
    const oh = Math.floor((r.h + r.pad[0] + r.pad[1] - r.fh) / r.sh) + 1;
    const ow = Math.floor((r.w + r.pad[2] + r.pad[3] - r.fw) / r.sw) + 1;
    const attrs: Pool2DAttrs = {
      filterSize: [r.fh, r.fw],
      strides: [r.sh, r.sw],
      padding: [
        [r.pad[0], r.pad[1]],
        [r.pad[2], r.pad[3]],
      ],
    };
    return { xs: [r.n, r.h, r.w, r.c], ys: [r.n, oh, ow, r.c], attrs };
  });

describe("maxPool and maxPoolBackward", () => {
  it("match references; padding never wins and ties go to the first maximum", () => {
    fc.assert(
      fc.property(caseArb, seedArb, fc.constantFrom<DType>("float64", "float32"), (c, seed, dtype) => {
        // Small integers (all negative half the time) make ties and make zero padding a tempting winner.
        const shift = seed % 2 === 0 ? -10 : 0;
        const x = randomValues(seed, sizeOf(c.xs), true).map((v) => v + shift);
        const dy = randomValues(seed + 1, sizeOf(c.ys)).map(dtype === "float32" ? Math.fround : (v) => v);
        const y = run("maxPool", [tensor(x, c.xs, dtype)], c.attrs);
        const yRef = new Array<number>(sizeOf(c.ys)).fill(0);
        const dxRef = new Array<number>(sizeOf(c.xs)).fill(0);
        forEachWindow(c, (yi, xis) => {
          yRef[yi] = xis.length ? Math.max(...xis.map((p) => x[p])) : -Infinity;
          if (xis.length) dxRef[argmaxOf(x, xis)] += dy[yi];
        });
        expect(y.shape).toEqual(c.ys);
        expect(values(y)).toEqual(yRef);
        const dx = run("maxPoolBackward", [tensor(dy, c.ys, dtype), tensor(x, c.xs, dtype)], c.attrs);
        expect(dx.shape).toEqual(c.xs);
        expectClose(
          values(dx),
          dxRef.map(dtype === "float32" ? Math.fround : (v) => v),
          1e-12,
          dtype === "float32" ? 1e-7 : 0,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("works on int32 and propagates NaN, routing the gradient to the first NaN", () => {
    const attrs: Pool2DAttrs = {
      filterSize: [1, 3],
      strides: [1, 1],
      padding: [
        [0, 0],
        [1, 1],
      ],
    };
    expect(values(run("maxPool", [tensor([-5, -7, -6], [1, 1, 3, 1], "int32")], attrs))).toEqual([
      -5, -5, -6,
    ]);
    const x = tensor([1, Number.NaN, 3, Number.NaN], [1, 1, 4, 1]);
    const pool = {
      ...attrs,
      padding: [
        [0, 0],
        [0, 0],
      ] as const,
    };
    expect(values(run("maxPool", [x], pool))).toEqual([Number.NaN, Number.NaN]);
    expect(values(run("maxPoolBackward", [tensor([1, 10], [1, 1, 2, 1]), x], pool))).toEqual([0, 11, 0, 0]);
  });

  it("accumulates the gradient of overlapping windows on a shared maximum", () => {
    const attrs: Pool2DAttrs = {
      filterSize: [2, 2],
      strides: [1, 1],
      padding: [
        [0, 0],
        [0, 0],
      ],
    };
    const x = tensor([0, 0, 0, 0, 9, 0, 0, 0, 0], [1, 3, 3, 1]);
    const dx = run("maxPoolBackward", [tensor([1, 2, 3, 4], [1, 2, 2, 1]), x], attrs);
    expect(values(dx)).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0]);
  });

  it("gives −Infinity for a window that lies entirely in the padding", () => {
    const attrs: Pool2DAttrs = {
      filterSize: [1, 1],
      strides: [1, 1],
      padding: [
        [0, 0],
        [1, 0],
      ],
    };
    expect(values(run("maxPool", [tensor([4], [1, 1, 1, 1])], attrs))).toEqual([-Infinity, 4]);
    expect(
      values(run("maxPoolBackward", [tensor([1, 2], [1, 1, 2, 1]), tensor([4], [1, 1, 1, 1])], attrs)),
    ).toEqual([2]);
  });
});

describe("avgPool and avgPoolBackward", () => {
  it("average over in-bounds elements only, and spread dy / count back", () => {
    fc.assert(
      fc.property(caseArb, seedArb, fc.constantFrom<DType>("float64", "float32"), (c, seed, dtype) => {
        const round = dtype === "float32" ? Math.fround : (v: number) => v;
        const x = randomValues(seed, sizeOf(c.xs)).map(round);
        const dy = randomValues(seed + 1, sizeOf(c.ys)).map(round);
        const yRef = new Array<number>(sizeOf(c.ys)).fill(0);
        const dxRef = new Array<number>(sizeOf(c.xs)).fill(0);
        forEachWindow(c, (yi, xis) => {
          if (xis.length === 0) return;
          yRef[yi] = xis.reduce((s, p) => s + x[p], 0) / xis.length;
          for (const p of xis) dxRef[p] += dy[yi] / xis.length;
        });
        const [atol, rtol] = dtype === "float32" ? [1e-6, 1e-6] : [1e-13, 1e-13];
        const y = run("avgPool", [tensor(x, c.xs, dtype)], c.attrs);
        expectClose(values(y), yRef.map(round), atol, rtol);
        const dx = run("avgPoolBackward", [tensor(dy, c.ys, dtype)], { ...c.attrs, inputShape: c.xs });
        expect(dx.shape).toEqual(c.xs);
        expectClose(values(dx), dxRef.map(round), atol, rtol);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("does not count padding", () => {
    const attrs: Pool2DAttrs = {
      filterSize: [2, 2],
      strides: [2, 2],
      padding: [
        [1, 1],
        [1, 1],
      ],
    };
    const y = run("avgPool", [tensor([1, 2, 3, 4], [1, 2, 2, 1])], attrs);
    expect(values(y)).toEqual([1, 2, 3, 4]);
    const full = run("avgPool", [tensor([1, 2, 3, 4], [1, 2, 2, 1])], {
      ...attrs,
      padding: [
        [0, 0],
        [0, 0],
      ],
    });
    expect(values(full)).toEqual([2.5]);
    const dx = run("avgPoolBackward", [tensor([4], [1, 1, 1, 1])], {
      ...attrs,
      padding: [
        [0, 0],
        [0, 0],
      ],
      inputShape: [1, 2, 2, 1],
    });
    expect(values(dx)).toEqual([1, 1, 1, 1]);
  });

  it("gives 0 for a window that lies entirely in the padding", () => {
    const attrs: Pool2DAttrs = {
      filterSize: [1, 1],
      strides: [1, 1],
      padding: [
        [1, 0],
        [0, 0],
      ],
    };
    expect(values(run("avgPool", [tensor([6], [1, 1, 1, 1])], attrs))).toEqual([0, 6]);
  });
});
