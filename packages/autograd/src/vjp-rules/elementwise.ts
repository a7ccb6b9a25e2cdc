import { isFloat, type PrimName, type Tensor } from "@axon/core";
import {
  add,
  cast,
  cos,
  div,
  equal,
  exp,
  greater,
  less,
  log,
  mul,
  neg,
  pow,
  round,
  scalar,
  sign,
  sin,
  sub,
  unbroadcast,
  where,
} from "../prims.ts";
import type { Saves, VjpContext, VjpRule } from "./types.ts";

/** Elementwise rules: unary math, binary arithmetic with broadcasting undone, where and cast. */

const X: Saves = { inputs: [0] };
const Y: Saves = { output: true };

/** A unary rule d(x) = ct · f'(x), keeping what f' reads. */
function unary<P extends PrimName>(
  saves: Saves,
  derivative: (ct: Tensor, ctx: VjpContext<P>) => Tensor,
): VjpRule<P> {
  return { saves: () => saves, vjp: (ct, ctx) => [derivative(ct, ctx)] };
}

/**
 * floor, ceil, round and sign are flat almost everywhere: declared differentiable with a zero
 * gradient (as JAX does), so a path through them is not an error and contributes nothing.
 */
function zeroGradient<P extends PrimName>(): VjpRule<P> {
  return { vjp: () => [null] };
}

const c = (value: number, like: Tensor) => scalar(value, like.dtype);

export const unaryRules = {
  neg: unary<"neg">({}, (ct) => neg(ct)),
  // The subgradient at 0 is 0 (sign(0)), as in JAX and PyTorch.
  abs: unary<"abs">(X, (ct, k) => mul(ct, sign(k.input(0)))),
  sign: zeroGradient<"sign">(),
  floor: zeroGradient<"floor">(),
  ceil: zeroGradient<"ceil">(),
  round: zeroGradient<"round">(),
  exp: unary<"exp">(Y, (ct, k) => mul(ct, k.output())),
  log: unary<"log">(X, (ct, k) => div(ct, k.input(0))),
  log1p: unary<"log1p">(X, (ct, k) => div(ct, add(k.input(0), c(1, ct)))),
  expm1: unary<"expm1">(Y, (ct, k) => mul(ct, add(k.output(), c(1, ct)))),
  sqrt: unary<"sqrt">(Y, (ct, k) => div(mul(ct, c(0.5, ct)), k.output())),
  // d x^(-1/2) = -x^(-3/2)/2 = -y³/2
  rsqrt: unary<"rsqrt">(Y, (ct, k) => {
    const y = k.output();
    return mul(mul(ct, c(-0.5, ct)), mul(y, mul(y, y)));
  }),
  reciprocal: unary<"reciprocal">(Y, (ct, k) => {
    const y = k.output();
    return neg(mul(ct, mul(y, y)));
  }),
  sin: unary<"sin">(X, (ct, k) => mul(ct, cos(k.input(0)))),
  cos: unary<"cos">(X, (ct, k) => neg(mul(ct, sin(k.input(0))))),
  tanh: unary<"tanh">(Y, (ct, k) => {
    const y = k.output();
    return mul(ct, sub(c(1, ct), mul(y, y)));
  }),
  sigmoid: unary<"sigmoid">(Y, (ct, k) => {
    const y = k.output();
    return mul(ct, mul(y, sub(c(1, ct), y)));
  }),
  // erf'(x) = 2/√π · exp(−x²)
  erf: unary<"erf">(X, (ct, k) => {
    const x = k.input(0);
    return mul(mul(ct, c(2 / Math.sqrt(Math.PI), ct)), exp(neg(mul(x, x))));
  }),
};

/** Both inputs' shapes, for undoing broadcasting. */
const shapes = (k: VjpContext<PrimName>) => [k.inputSpecs[0].shape, k.inputSpecs[1].shape] as const;

/** The weight of `a` in maximum/minimum: 1 where it wins, ½ on ties (what central differences see), 0 elsewhere. */
function winnerWeight(wins: Tensor, a: Tensor, b: Tensor, like: Tensor): Tensor {
  return where(wins, c(1, like), where(equal(a, b), c(0.5, like), c(0, like)));
}

export const binaryRules = {
  add: {
    vjp: (ct, k) => {
      const [sa, sb] = shapes(k);
      return [k.needs[0] ? unbroadcast(ct, sa) : null, k.needs[1] ? unbroadcast(ct, sb) : null];
    },
  } satisfies VjpRule<"add">,
  sub: {
    vjp: (ct, k) => {
      const [sa, sb] = shapes(k);
      return [k.needs[0] ? unbroadcast(ct, sa) : null, k.needs[1] ? unbroadcast(neg(ct), sb) : null];
    },
  } satisfies VjpRule<"sub">,
  mul: {
    // d(a·b)/da reads b and d/db reads a: keep only what the needed gradients read.
    saves: (needs) => ({ inputs: [...(needs[1] ? [0] : []), ...(needs[0] ? [1] : [])] }),
    vjp: (ct, k) => {
      const [sa, sb] = shapes(k);
      return [
        k.needs[0] ? unbroadcast(mul(ct, k.input(1)), sa) : null,
        k.needs[1] ? unbroadcast(mul(ct, k.input(0)), sb) : null,
      ];
    },
  } satisfies VjpRule<"mul">,
  div: {
    saves: (needs) => ({ inputs: [1], output: needs[1] }),
    vjp: (ct, k) => {
      const [sa, sb] = shapes(k);
      const g = div(ct, k.input(1));
      // d(a/b)/db = −a/b² = −(ct/b)·y
      return [
        k.needs[0] ? unbroadcast(g, sa) : null,
        k.needs[1] ? unbroadcast(neg(mul(g, k.output())), sb) : null,
      ];
    },
  } satisfies VjpRule<"div">,
  pow: {
    saves: (needs) => ({ inputs: [0, 1], output: needs[1] }),
    vjp: (ct, k) => {
      const [sa, sb] = shapes(k);
      const a = k.input(0);
      const b = k.input(1);
      const ga = k.needs[0] ? unbroadcast(mul(mul(ct, b), pow(a, sub(b, c(1, ct)))), sa) : null;
      // d(a^b)/db = a^b·log(a); at a = 0 it is taken as 0 (log replaced by log 1), as in JAX.
      const logA = k.needs[1] ? log(where(equal(a, c(0, a)), c(1, a), a)) : null;
      const gb = logA ? unbroadcast(mul(mul(ct, k.output()), logA), sb) : null;
      return [ga, gb];
    },
  } satisfies VjpRule<"pow">,
  maximum: {
    saves: () => ({ inputs: [0, 1] }),
    vjp: (ct, k) => {
      const [sa, sb] = shapes(k);
      const a = k.input(0);
      const b = k.input(1);
      const wa = winnerWeight(greater(a, b), a, b, ct);
      const ga = mul(ct, wa);
      return [k.needs[0] ? unbroadcast(ga, sa) : null, k.needs[1] ? unbroadcast(sub(ct, ga), sb) : null];
    },
  } satisfies VjpRule<"maximum">,
  minimum: {
    saves: () => ({ inputs: [0, 1] }),
    vjp: (ct, k) => {
      const [sa, sb] = shapes(k);
      const a = k.input(0);
      const b = k.input(1);
      const wa = winnerWeight(less(a, b), a, b, ct);
      const ga = mul(ct, wa);
      return [k.needs[0] ? unbroadcast(ga, sa) : null, k.needs[1] ? unbroadcast(sub(ct, ga), sb) : null];
    },
  } satisfies VjpRule<"minimum">,
  mod: {
    // a mod b = a − q·b with an integer quotient q, whatever the rounding convention: q = round((a − y)/b).
    saves: (needs) => ({ inputs: needs[1] ? [0, 1] : [], output: needs[1] }),
    vjp: (ct, k) => {
      const [sa, sb] = shapes(k);
      const ga = k.needs[0] ? unbroadcast(ct, sa) : null;
      let gb: Tensor | null = null;
      if (k.needs[1]) {
        const q = round(div(sub(k.input(0), k.output()), k.input(1)));
        gb = unbroadcast(neg(mul(ct, q)), sb);
      }
      return [ga, gb];
    },
  } satisfies VjpRule<"mod">,
};

export const whereRule: VjpRule<"where"> = {
  constantInputs: [0],
  saves: () => ({ inputs: [0] }),
  vjp: (ct, k) => {
    const cond = k.input(0);
    const zero = c(0, ct);
    return [
      null,
      k.needs[1] ? unbroadcast(where(cond, ct, zero), k.inputSpecs[1].shape) : null,
      k.needs[2] ? unbroadcast(where(cond, zero, ct), k.inputSpecs[2].shape) : null,
    ];
  },
};

export const castRule: VjpRule<"cast"> = {
  // Only float → float casts carry a gradient; a cast to int32 or bool has none.
  nonDifferentiable: (_attrs, [x], out) => !isFloat(x.dtype) || !isFloat(out.dtype),
  vjp: (ct, k) => [cast(ct, k.inputSpecs[0].dtype)],
};
