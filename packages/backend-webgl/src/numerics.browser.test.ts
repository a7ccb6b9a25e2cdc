import { reference } from "@axon/core/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { tidy } from "@axon/core";
import { DEFAULT_HOST_EVAL_MAX } from "./index.ts";
import { run, t, ulps, useWebGL, useWebGLGpuOnly } from "./test/setup.ts";

/** A dense sample of [lo, hi] plus values near zero, rounded to float32. */
function sample(lo: number, hi: number, n = 2000): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.fround(lo + ((hi - lo) * i) / (n - 1)));
  for (let e = -30; e <= 0; e++) out.push(Math.fround(2 ** e * 1.37), Math.fround(-(2 ** e) * 1.37));
  return out;
}

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

interface Case {
  readonly ref: (x: number) => number;
  readonly range: readonly [number, number];
  /** Largest error allowed, in float32 ulps of the reference (absolute `atol` also accepted). */
  readonly ulps: number;
  readonly atol?: number;
  /** Exact results at special inputs. */
  readonly special: readonly (readonly [number, number])[];
}

const CASES: Record<string, Case> = {
  exp: {
    ref: Math.exp,
    range: [-87, 88.7],
    ulps: 2,
    special: [
      [NAN, NAN],
      [INF, INF],
      [-INF, 0],
      [0, 1],
      [89, INF],
      [-200, 0],
    ],
  },
  log: {
    ref: Math.log,
    range: [1e-6, 1e6],
    ulps: 2,
    special: [
      [0, -INF],
      [-0, -INF],
      [-1, NAN],
      [INF, INF],
      [NAN, NAN],
      [1, 0],
      [-INF, NAN],
    ],
  },
  log1p: {
    ref: Math.log1p,
    range: [-0.999, 100],
    ulps: 3,
    special: [
      [-1, -INF],
      [-2, NAN],
      [INF, INF],
      [NAN, NAN],
      [0, 0],
    ],
  },
  expm1: {
    ref: Math.expm1,
    range: [-20, 80],
    ulps: 3,
    special: [
      [NAN, NAN],
      [INF, INF],
      [-INF, -1],
      [0, 0],
      [100, INF],
    ],
  },
  sqrt: {
    ref: Math.sqrt,
    range: [0, 1e6],
    ulps: 1,
    special: [
      [-1, NAN],
      [0, 0],
      [INF, INF],
      [NAN, NAN],
      [-INF, NAN],
    ],
  },
  rsqrt: {
    ref: (x) => 1 / Math.sqrt(x),
    range: [1e-6, 1e6],
    ulps: 2,
    special: [
      [0, INF],
      [-1, NAN],
      [INF, 0],
      [NAN, NAN],
    ],
  },
  reciprocal: {
    ref: (x) => 1 / x,
    range: [-1e6, 1e6],
    ulps: 1,
    special: [
      [0, INF],
      [-0, -INF],
      [INF, 0],
      [NAN, NAN],
    ],
  },
  sin: {
    ref: Math.sin,
    range: [-100, 100],
    ulps: 2,
    atol: 1e-7,
    special: [
      [NAN, NAN],
      [INF, NAN],
      [-INF, NAN],
      [0, 0],
    ],
  },
  cos: {
    ref: Math.cos,
    range: [-100, 100],
    ulps: 2,
    atol: 1e-7,
    special: [
      [NAN, NAN],
      [INF, NAN],
      [0, 1],
    ],
  },
  tanh: {
    ref: Math.tanh,
    range: [-12, 12],
    ulps: 3,
    special: [
      [100, 1],
      [-100, -1],
      [INF, 1],
      [-INF, -1],
      [NAN, NAN],
      [0, 0],
    ],
  },
  sigmoid: {
    ref: reference.sigmoidRef,
    range: [-100, 100],
    ulps: 3,
    special: [
      [INF, 1],
      [-INF, 0],
      [NAN, NAN],
      [1000, 1],
      [-1000, 0],
      [0, 0.5],
    ],
  },
  erf: {
    ref: reference.erfRef,
    range: [-5, 5],
    ulps: 3,
    atol: 1e-7,
    special: [
      [INF, 1],
      [-INF, -1],
      [NAN, NAN],
      [0, 0],
    ],
  },
  sign: {
    ref: Math.sign,
    range: [-5, 5],
    ulps: 0,
    special: [
      [NAN, NAN],
      [0, 0],
      [-3, -1],
      [INF, 1],
    ],
  },
  floor: {
    ref: Math.floor,
    range: [-100, 100],
    ulps: 0,
    special: [
      [NAN, NAN],
      [INF, INF],
      [-INF, -INF],
      [-0.5, -1],
    ],
  },
  ceil: {
    ref: Math.ceil,
    range: [-100, 100],
    ulps: 0,
    special: [
      [NAN, NAN],
      [INF, INF],
      [-0.5, -0],
    ],
  },
  round: {
    ref: reference.roundHalfEvenRef,
    range: [-100, 100],
    ulps: 0,
    special: [
      [0.5, 0],
      [1.5, 2],
      [2.5, 2],
      [-0.5, -0],
      [-1.5, -2],
      [-2.5, -2],
      [NAN, NAN],
      [INF, INF],
      [8388609, 8388609],
    ],
  },
  abs: {
    ref: Math.abs,
    range: [-100, 100],
    ulps: 0,
    special: [
      [NAN, NAN],
      [-INF, INF],
      [-0, 0],
    ],
  },
  neg: {
    ref: (x) => -x,
    range: [-100, 100],
    ulps: 0,
    special: [
      [NAN, NAN],
      [INF, -INF],
    ],
  },
};

/** Runs a unary primitive over `xs` in slices of at most `chunk` elements, on the active backend. */
function unary(prim: string, xs: number[], chunk: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i += chunk) {
    const part = xs.slice(i, i + chunk);
    out.push(...run(prim as "exp", [t(part, [part.length])]).v);
  }
  return out;
}

// The same bounds on both paths: the GPU kernels (host evaluation off) and the host kernels
// (slices of 64 elements, which the default backend evaluates in JavaScript).
const PATHS = [
  { name: "GPU", use: useWebGLGpuOnly, chunk: Number.POSITIVE_INFINITY },
  { name: "host", use: useWebGL, chunk: DEFAULT_HOST_EVAL_MAX },
];

for (const path of PATHS) {
  describe(`float32 unary numerics on the ${path.name}`, () => {
    beforeAll(async () => {
      await path.use();
    });

    for (const [prim, c] of Object.entries(CASES)) {
      it(`${prim}: within ${c.ulps} ulps, exact at special values`, () => {
        const xs = [...sample(c.range[0], c.range[1]), ...c.special.map((s) => s[0])];
        const v = tidy(() => unary(prim, xs, path.chunk));
        let worst = 0;
        let at = 0;
        const n = xs.length - c.special.length;
        for (let i = 0; i < n; i++) {
          const expected = c.ref(xs[i]);
          const err = Math.abs(v[i] - expected) <= (c.atol ?? 0) ? 0 : ulps(v[i], expected);
          if (err > worst) {
            worst = err;
            at = i;
          }
        }
        expect(
          worst,
          `${prim}(${xs[at]}) = ${v[at]}, expected ${c.ref(xs[at])} (${worst.toFixed(2)} ulps)`,
        ).toBeLessThanOrEqual(c.ulps);
        c.special.forEach(([x, e], k) => {
          expect(v[n + k], `${prim}(${x})`).toBe(e);
        });
      });
    }
  });
}
