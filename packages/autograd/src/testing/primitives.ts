import {
  type PrimAttrs,
  type PrimName,
  type Tensor,
  conv2dOutShape,
  getBackend,
  poolOutShape,
  runPrimitive,
  sizeOf,
  stridesOf,
} from "@axon/core";
import fc from "fast-check";
import type { DifferentiablePrim } from "../vjp-rules/index.ts";
import {
  type Case,
  type Input,
  awayFromZero,
  axesOf,
  broadcastShapesArb,
  broadcastableTo,
  dim,
  distinct,
  inputOf,
  numbers,
  offGrid,
  permutation,
  shapeArb,
} from "./generators.ts";

// One generator per differentiable primitive: fast-check draws shapes (broadcasting included) and
// values inside the primitive's domain.

const P =
  <N extends PrimName>(prim: N, attrs: PrimAttrs[N]) =>
  (...xs: Tensor[]): Tensor =>
    runPrimitive(prim, xs, attrs);

const unary = (prim: PrimName, gen: (size: number) => fc.Arbitrary<number[]> = numbers): fc.Arbitrary<Case> =>
  shapeArb()
    .chain((s) => inputOf(s, gen))
    .map((x) => ({ inputs: [x], f: P(prim, {} as never) }));

const binary = (
  prim: PrimName,
  genA: (size: number) => fc.Arbitrary<number[]> = numbers,
  genB: (size: number) => fc.Arbitrary<number[]> = numbers,
): fc.Arbitrary<Case> =>
  broadcastShapesArb(2)
    .chain(({ ins }) => fc.tuple(inputOf(ins[0], genA), inputOf(ins[1], genB)))
    .map((inputs) => ({ inputs, f: P(prim, {} as never) }));

/** Values on a 0.2 grid, shifted by `offset`: two grids with different offsets never tie. */
const grid = (offset: number) => (size: number) =>
  fc
    .array(fc.integer({ min: -10, max: 10 }), { minLength: size, maxLength: size })
    .map((v) => v.map((k) => k * 0.2 + offset));

/** The values of `v` (of shape `from`) broadcast to `to`, in row-major order. */
function broadcastValues(v: readonly number[], from: readonly number[], to: readonly number[]): number[] {
  const lead = to.length - from.length;
  const fs = stridesOf(from);
  const ts = stridesOf(to);
  return Array.from({ length: sizeOf(to) }, (_, flat) => {
    let idx = 0;
    for (let a = lead; a < to.length; a++) {
      const i = Math.floor(flat / ts[a]) % to[a];
      if (from[a - lead] !== 1) idx += i * fs[a - lead];
    }
    return v[idx];
  });
}

/** a mod b with a/b kept away from integers (where mod jumps); b broadcasts against a. */
const modCase: fc.Arbitrary<Case> = shapeArb()
  .chain((out) => broadcastableTo(out).map((bs) => ({ out, bs })))
  .chain(({ out, bs }) =>
    fc
      .tuple(
        numbers(sizeOf(bs), 0.5, 2),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: sizeOf(out), maxLength: sizeOf(out) }),
        numbers(sizeOf(out), 0.2, 0.8),
      )
      .map(([b, k, frac]): Case => {
        const bb = broadcastValues(b, bs, out);
        const a = bb.map((v, i) => v * (k[i] + frac[i]));
        return {
          inputs: [
            { values: a, shape: out },
            { values: b, shape: bs },
          ],
          f: P("mod", {}),
        };
      }),
  );

const whereCase: fc.Arbitrary<Case> = broadcastShapesArb(3)
  .chain(({ ins }) =>
    fc.tuple(
      fc.array(fc.boolean(), { minLength: sizeOf(ins[0]), maxLength: sizeOf(ins[0]) }),
      inputOf(ins[1]),
      inputOf(ins[2]),
      fc.constant(ins[0]),
    ),
  )
  .map(([c, a, b, cs]) => ({
    inputs: [{ values: c.map(Number), shape: cs, dtype: "bool" } as Input, a, b],
    f: P("where", {}),
  }));

// Through float32 and back: the step must be large against float32 rounding, and x² makes central differences exact.
// A backend without float64 (WebGL) casts float32 to float32, the only float cast it has.
const castCase: fc.Arbitrary<Case> = shapeArb()
  .chain((s) => inputOf(s))
  .map((x) => ({
    inputs: [x],
    f: (v: Tensor) => {
      const has64 = getBackend().dtypes.includes("float64");
      const other = !has64 ? v.dtype : v.dtype === "float64" ? "float32" : "float64";
      const c = runPrimitive("cast", [v], { dtype: other });
      return runPrimitive("cast", [runPrimitive("mul", [c, c], {})], { dtype: v.dtype });
    },
    options: { eps: 1e-2, rtol: 1e-4 },
    rtol64: 1e-4,
  }));

const reduceCase = (prim: "sum" | "max" | "min") =>
  shapeArb(1)
    .chain((s) => fc.tuple(inputOf(s, prim === "sum" ? numbers : distinct), axesOf(s.length)))
    .map(([x, axes]): Case => ({ inputs: [x], f: P(prim, { axes }) }));

const reshapeCase: fc.Arbitrary<Case> = shapeArb()
  .chain((s) => fc.tuple(inputOf(s), permutation(s.length), fc.boolean()))
  .map(([x, perm, flat]) => ({
    inputs: [x],
    f: P("reshape", { shape: flat ? [sizeOf(x.shape)] : perm.map((p) => x.shape[p]) }),
  }));

const transposeCase: fc.Arbitrary<Case> = shapeArb()
  .chain((s) => fc.tuple(inputOf(s), permutation(s.length)))
  .map(([x, perm]) => ({ inputs: [x], f: P("transpose", { perm }) }));

const broadcastToCase: fc.Arbitrary<Case> = shapeArb()
  .chain((out) => broadcastableTo(out).chain((s) => inputOf(s).map((x) => ({ x, out }))))
  .map(({ x, out }) => ({ inputs: [x], f: P("broadcastTo", { shape: out }) }));

const sliceCase: fc.Arbitrary<Case> = shapeArb(1)
  .chain((s) =>
    fc.tuple(
      inputOf(s),
      fc.tuple(
        ...s.map((d) =>
          fc
            .integer({ min: 0, max: d - 1 })
            .chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 1, max: d - b }))),
        ),
      ),
    ),
  )
  .map(([x, bs]) => ({
    inputs: [x],
    f: P("slice", { begin: bs.map((p) => p[0]), size: bs.map((p) => p[1]) }),
  }));

const padCase: fc.Arbitrary<Case> = shapeArb(1)
  .chain((s) =>
    fc.tuple(
      inputOf(s),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })), {
        minLength: s.length,
        maxLength: s.length,
      }),
      fc.double({ min: -2, max: 2, noNaN: true }),
    ),
  )
  .map(([x, paddings, value]) => ({ inputs: [x], f: P("pad", { paddings, value }) }));

const concatCase: fc.Arbitrary<Case> = shapeArb(1)
  .chain((s) =>
    fc.tuple(
      fc.constant(s),
      fc.integer({ min: 0, max: s.length - 1 }),
      fc.array(dim(), { minLength: 1, maxLength: 3 }),
    ),
  )
  .chain(([s, axis, sizes]) =>
    fc
      .tuple(...sizes.map((d) => inputOf(s.map((v, i) => (i === axis ? d : v)))))
      .map((inputs) => ({ inputs, f: P("concat", { axis }) })),
  );

const indicesOf = (shape: readonly number[], bound: number) =>
  fc
    .array(fc.integer({ min: 0, max: bound - 1 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
    .map((v): Input => ({ values: v, shape, dtype: "int32" }));

const gatherCase: fc.Arbitrary<Case> = shapeArb(1)
  .chain((s) => fc.tuple(inputOf(s), fc.integer({ min: 0, max: s.length - 1 }), shapeArb(0, 2)))
  .chain(([x, axis, is]) =>
    indicesOf(is, x.shape[axis]).map((idx) => ({ inputs: [x, idx], f: P("gather", { axis }) })),
  );

const scatterAddCase: fc.Arbitrary<Case> = fc
  .tuple(shapeArb(0, 2), shapeArb(1, 2), shapeArb(0, 1), dim(4))
  .chain(([pre, is, post, size]) =>
    fc.tuple(inputOf([...pre, ...is, ...post]), indicesOf(is, size)).map(([u, idx]) => ({
      inputs: [u, idx],
      f: P("scatterAdd", { axis: pre.length, size }),
    })),
  );

const matmulCase: fc.Arbitrary<Case> = fc
  .tuple(broadcastShapesArb(2, 2), dim(), dim(), dim(), fc.boolean(), fc.boolean())
  .chain(([{ ins }, m, k, n, tA, tB]) =>
    fc
      .tuple(inputOf([...ins[0], ...(tA ? [k, m] : [m, k])]), inputOf([...ins[1], ...(tB ? [n, k] : [k, n])]))
      .map((inputs) => ({ inputs, f: P("matmul", { transposeA: tA, transposeB: tB }) })),
  );

/** Convolution geometry whose output is not empty. */
const convGeometry = fc
  .record({
    n: dim(2),
    h: dim(5),
    w: dim(5),
    c: dim(2),
    o: dim(2),
    kh: dim(3),
    kw: dim(3),
    sh: dim(2),
    sw: dim(2),
    dh: dim(2),
    dw: dim(2),
    pad: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
  })
  .filter(
    (g) =>
      g.h + g.pad[0] + g.pad[1] >= g.dh * (g.kh - 1) + 1 &&
      g.w + g.pad[2] + g.pad[3] >= g.dw * (g.kw - 1) + 1,
  )
  .map((g) => {
    const attrs = {
      strides: [g.sh, g.sw] as const,
      dilations: [g.dh, g.dw] as const,
      padding: [
        [g.pad[0], g.pad[1]],
        [g.pad[2], g.pad[3]],
      ] as const,
    };
    const x = [g.n, g.h, g.w, g.c];
    const f = [g.kh, g.kw, g.c, g.o];
    return { x, f, y: conv2dOutShape("test", x, f, attrs), attrs };
  });

const conv2dCase = convGeometry.chain((g) =>
  fc.tuple(inputOf(g.x), inputOf(g.f)).map((inputs): Case => ({ inputs, f: P("conv2d", g.attrs) })),
);
const conv2dBackpropInputCase = convGeometry.chain((g) =>
  fc
    .tuple(inputOf(g.y), inputOf(g.f))
    .map((inputs): Case => ({ inputs, f: P("conv2dBackpropInput", { ...g.attrs, inputShape: g.x }) })),
);
const conv2dBackpropFilterCase = convGeometry.chain((g) =>
  fc
    .tuple(inputOf(g.x), inputOf(g.y))
    .map((inputs): Case => ({ inputs, f: P("conv2dBackpropFilter", { ...g.attrs, filterShape: g.f }) })),
);

/** Pooling geometry; padding smaller than the window, so every window sees the input. */
const poolGeometry = fc
  .record({ n: dim(2), h: dim(4), w: dim(4), c: dim(2), kh: dim(3), kw: dim(3), sh: dim(2), sw: dim(2) })
  .chain((g) =>
    fc
      .array(fc.nat(), { minLength: 4, maxLength: 4 })
      .map((p) => [p[0] % g.kh, p[1] % g.kh, p[2] % g.kw, p[3] % g.kw])
      .map((pad) => ({ g, pad })),
  )
  .filter(({ g, pad }) => g.h + pad[0] + pad[1] >= g.kh && g.w + pad[2] + pad[3] >= g.kw)
  .map(({ g, pad }) => {
    const attrs = {
      filterSize: [g.kh, g.kw] as const,
      strides: [g.sh, g.sw] as const,
      padding: [
        [pad[0], pad[1]],
        [pad[2], pad[3]],
      ] as const,
    };
    const x = [g.n, g.h, g.w, g.c];
    return { x, y: poolOutShape("test", x, attrs), attrs };
  });

const maxPoolCase = poolGeometry.chain((g) =>
  inputOf(g.x, distinct).map((x): Case => ({ inputs: [x], f: P("maxPool", g.attrs) })),
);
const avgPoolCase = poolGeometry.chain((g) =>
  inputOf(g.x).map((x): Case => ({ inputs: [x], f: P("avgPool", g.attrs) })),
);
const maxPoolBackwardCase = poolGeometry.chain((g) =>
  fc
    .tuple(inputOf(g.y), inputOf(g.x, distinct))
    .map((inputs): Case => ({ inputs, f: P("maxPoolBackward", g.attrs) })),
);
const avgPoolBackwardCase = poolGeometry.chain((g) =>
  inputOf(g.y).map(
    (dy): Case => ({ inputs: [dy], f: P("avgPoolBackward", { ...g.attrs, inputShape: g.x }) }),
  ),
);

const positive = (size: number) => numbers(size, 0.2, 3);

/** Every differentiable primitive with the generator of its cases; the type refuses a missing one. */
export const PRIMITIVE_CASES: { [P in DifferentiablePrim]: fc.Arbitrary<Case> } = {
  neg: unary("neg"),
  abs: unary("abs", (n) => awayFromZero(n, 0.1)),
  sign: unary("sign", offGrid),
  floor: unary("floor", offGrid),
  ceil: unary("ceil", offGrid),
  round: unary("round", offGrid),
  exp: unary("exp"),
  log: unary("log", positive),
  log1p: unary("log1p", (n) => numbers(n, -0.8, 2)),
  expm1: unary("expm1"),
  sqrt: unary("sqrt", positive),
  rsqrt: unary("rsqrt", positive),
  reciprocal: unary("reciprocal", (n) => awayFromZero(n)),
  sin: unary("sin", (n) => numbers(n, -3, 3)),
  cos: unary("cos", (n) => numbers(n, -3, 3)),
  tanh: unary("tanh"),
  sigmoid: unary("sigmoid", (n) => numbers(n, -4, 4)),
  erf: unary("erf"),
  add: binary("add"),
  sub: binary("sub"),
  mul: binary("mul"),
  div: binary("div", numbers, (n) => awayFromZero(n, 0.5)),
  pow: binary("pow", (n) => numbers(n, 0.5, 2), numbers),
  maximum: binary("maximum", grid(0), grid(0.1)),
  minimum: binary("minimum", grid(0), grid(0.1)),
  mod: modCase,
  where: whereCase,
  cast: castCase,
  sum: reduceCase("sum"),
  max: reduceCase("max"),
  min: reduceCase("min"),
  reshape: reshapeCase,
  transpose: transposeCase,
  broadcastTo: broadcastToCase,
  slice: sliceCase,
  pad: padCase,
  concat: concatCase,
  gather: gatherCase,
  scatterAdd: scatterAddCase,
  matmul: matmulCase,
  conv2d: conv2dCase,
  conv2dBackpropInput: conv2dBackpropInputCase,
  conv2dBackpropFilter: conv2dBackpropFilterCase,
  maxPool: maxPoolCase,
  maxPoolBackward: maxPoolBackwardCase,
  avgPool: avgPoolCase,
  avgPoolBackward: avgPoolBackwardCase,
};
