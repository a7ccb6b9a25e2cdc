import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { GradientError, NonDifferentiableError } from "./errors.ts";
import { grad, noGrad, stopGradient, valueAndGrad, vjp } from "./grad.ts";
import { isKeptByTape } from "./tape.ts";
import { expectClose, t, useCpuBackend, values } from "./test-helpers.ts";

useCpuBackend();

const sumSq = (w: ax.Tensor) => ax.sum(ax.square(w));

describe("grad and valueAndGrad", () => {
  it("differentiate a scalar function of one tensor", () => {
    const w = t([1, -2, 3], [3]);
    expectClose(grad(sumSq)(w), [2, -4, 6]);
    const [value, g] = valueAndGrad(sumSq)(w);
    expectClose(value, [14]);
    expectClose(g, [2, -4, 6]);
  });

  it("take argnums as one index or several", () => {
    const a = t([1, 2], [2]);
    const b = t([3, 5], [2]);
    const f = (x: ax.Tensor, y: ax.Tensor) => ax.sum(ax.mul(x, y));
    expectClose(grad(f, { argnums: 1 })(a, b), [1, 2]);
    const [ga, gb] = grad(f, { argnums: [0, 1] })(a, b);
    expectClose(ga, [3, 5]);
    expectClose(gb, [1, 2]);
  });

  it("give each argument its own gradient when the same tensor is passed twice", () => {
    const a = t([2, 3], [2]);
    const [g0, g1] = grad((x: ax.Tensor, y: ax.Tensor) => ax.sum(ax.mul(ax.mul(x, x), y)), {
      argnums: [0, 1],
    })(a, a);
    expectClose(g0, [8, 18]); // 2xy
    expectClose(g1, [4, 9]); // x²
  });

  it("return gradients in the structure of a tree argument, null for static leaves", () => {
    const params = {
      dense: { kernel: t([1, 2, 3, 4], [2, 2]), bias: t([0.5, -0.5], [2]) },
      layers: [t(2), t(3)],
      name: "mlp",
      n: 2,
    };
    const x = t([1, -1], [1, 2]);
    const loss = (p: typeof params) =>
      ax.add(
        ax.sum(ax.square(ax.add(ax.matmul(x, p.dense.kernel), p.dense.bias))),
        ax.mul(p.layers[0], p.layers[1]),
      );
    const g = grad(loss)(params);
    expect(Object.keys(g)).toEqual(["dense", "layers", "name", "n"]);
    expect(g.name).toBeNull();
    expect(g.n).toBeNull();
    // y = x·K + b = [-2+0.5, -2-0.5] = [-1.5, -2.5]; dL/dy = 2y
    expectClose(g.dense.bias, [-3, -5]);
    expectClose(g.dense.kernel, [-3, -5, 3, 5]);
    expectClose(g.layers[0], [3]);
    expectClose(g.layers[1], [2]);
  });

  it("support hasAux: the auxiliary output passes through", () => {
    const w = t([1, 2], [2]);
    const f = (v: ax.Tensor) => [sumSq(v), { norm: ax.sqrt(sumSq(v)), tag: "aux" }] as const;
    const [g, aux] = grad(f, { hasAux: true })(w);
    expectClose(g, [2, 4]);
    expect(aux.tag).toBe("aux");
    expectClose(aux.norm, [Math.sqrt(5)]);
    const [[value, aux2], g2] = valueAndGrad(f, { hasAux: true })(w);
    expectClose(value, [5]);
    expect(aux2.tag).toBe("aux");
    expectClose(g2, [2, 4]);
  });

  it("differentiate with respect to captured tensors and cells (a model's parameters)", () => {
    class Cell {
      constructor(public value: ax.Tensor) {}
    }
    const params = { w: new Cell(t([1, 2], [2])), b: t(0.5) };
    const x = t([3, 4], [2]);
    const loss = () => ax.add(ax.sum(ax.mul(params.w.value, x)), ax.square(params.b));
    const [value, g] = valueAndGrad(loss, params)();
    expectClose(value, [11.25]);
    expectClose(g.w, [3, 4]);
    expectClose(g.b, [1]);
    const g2 = grad(loss, { wrt: [params.b] })();
    expectClose(g2[0], [1]);
  });

  it("accept a size-1 output of any rank as the scalar", () => {
    expectClose(grad((w: ax.Tensor) => ax.reshape(ax.sum(w), [1, 1]))(t([1, 2], [2])), [1, 1]);
  });

  it("work inside tidy and return tensors that tidy keeps", () => {
    const w = t([1, 2], [2]);
    const before = ax.memory().numTensors;
    const g = ax.tidy(() => grad(sumSq)(w));
    expectClose(g, [2, 4]);
    expect(ax.memory().numTensors).toBe(before + 1);
  });
});

describe("vjp", () => {
  it("pulls back a cotangent of a non-scalar output", () => {
    const x = t([1, 2, 3], [3]);
    const [y, pullback] = vjp((v: ax.Tensor) => ax.mul(v, v), x);
    expectClose(y, [1, 4, 9]);
    const [g] = pullback(t([1, 0.5, -1], [3]));
    expectClose(g, [2, 2, -6]);
    // It can be called again with another cotangent.
    expectClose(pullback(t([1, 1, 1], [3]))[0], [2, 4, 6]);
  });

  it("handles tree outputs with null cotangents and several primals", () => {
    const a = t([1, 2], [2]);
    const b = t(3);
    const [out, pullback] = vjp(
      (p: ax.Tensor, q: ax.Tensor) => ({ prod: ax.mul(p, q), sum: ax.add(p, q), label: "x" }),
      a,
      b,
    );
    expect(out.label).toBe("x");
    const [ga, gb] = pullback({ prod: t([1, 1], [2]), sum: null, label: null });
    expectClose(ga, [3, 3]);
    expectClose(gb, [3]);
    const [ga2, gb2] = pullback({ prod: t([1, 0], [2]), sum: t([1, 1], [2]), label: null });
    expectClose(ga2, [4, 1]);
    expectClose(gb2, [3]);
  });

  it("refuses a missing or mismatched cotangent with a clear message", () => {
    const [, pullback] = vjp((v: ax.Tensor) => ax.mul(v, 2), t([1, 2], [2]));
    expect(() => pullback()).toThrow(/cotangent is required for an output of shape \[2\]/);
    expect(() => pullback(t([1, 2, 3], [3]))).toThrow(
      /must match its output, shape \[2\] and dtype float64; got shape \[3\]/,
    );
  });

  it("keeps only what the backward needs", () => {
    let e: ax.Tensor | undefined;
    let s: ax.Tensor | undefined;
    const c = t([2, 3], [2]);
    const f = (x: ax.Tensor) => {
      e = ax.exp(x); // exp's backward reuses its output
      s = ax.add(e, c); // add needs nothing
      return ax.sum(ax.mul(s, c)); // x·c with c constant: only c is kept
    };
    const [, pullback] = vjp(f, t([0, 1], [2]));
    expect(isKeptByTape(e!)).toBe(true);
    expect(isKeptByTape(s!)).toBe(false);
    expect(isKeptByTape(c)).toBe(true);
    expectClose(pullback()[0], [2, 3 * Math.E]);
    // grad releases its tape when it is done.
    grad(f)(t([0, 1], [2]));
    expect(isKeptByTape(e!)).toBe(false);
  });
});

describe("noGrad and stopGradient", () => {
  it("stopGradient makes a constant", () => {
    const f = (w: ax.Tensor) => ax.sum(ax.mul(w, stopGradient(w)));
    expectClose(grad(f)(t([1, 2], [2])), [1, 2]);
    const tree = stopGradient({ a: t(1), b: [t(2)], c: 3 });
    expect(tree.c).toBe(3);
  });

  it("noGrad hides its computation from the tapes active now, but not from tapes started inside it", () => {
    const f = (w: ax.Tensor) => {
      const frozen = noGrad(() => ax.mul(w, w));
      return ax.sum(ax.mul(w, frozen));
    };
    expectClose(grad(f)(t([1, 3], [2])), [1, 9]);
    expectClose(
      noGrad(() => grad(sumSq)(t([1, 3], [2]))),
      [2, 6],
    );
  });
});

describe("nested tapes are independent", () => {
  it("do not confuse an outer variable with an inner one (perturbation confusion)", () => {
    // d/dx [ x · d/dy (x + y) ] = d/dx [x · 1] = 1, not 2.
    const f = (x: ax.Tensor) => ax.mul(x, grad((y: ax.Tensor) => ax.add(x, y))(t(1)));
    expectClose(grad(f)(t(3)), [1]);
    // d/dx [ d/dy (x·y) at y = x ] = d/dx [x] = 1
    const g = (x: ax.Tensor) => grad((y: ax.Tensor) => ax.mul(x, y))(x);
    expectClose(grad(g)(t(5)), [1]);
  });
});

describe("errors", () => {
  it("grad of a non-scalar output without a cotangent", () => {
    expect(() => grad((w: ax.Tensor) => ax.mul(w, w))(t([1, 2], [2]))).toThrow(
      /grad: the function must return a scalar to take its gradient, got a tensor of shape \[2\]; reduce it .* or use vjp/,
    );
    expect(() => grad((w: ax.Tensor) => [w] as unknown as ax.Tensor)(t(1))).toThrow(GradientError);
  });

  it("a gradient with respect to an integer tensor", () => {
    const i = t([1, 2], [2], "int32");
    expect(() => grad((v: ax.Tensor) => ax.sum(v))(i)).toThrow(ax.DTypeError);
    expect(() => grad((v: ax.Tensor) => ax.sum(v))(i)).toThrow(
      /grad: argument 0 is int32; gradients exist only for float32\/float64 tensors/,
    );
    expect(() =>
      grad((p: { w: ax.Tensor; step: ax.Tensor }) => ax.sum(p.w))({ w: t(1), step: t(0, [], "int32") }),
    ).toThrow(/argument 0\.step is int32/);
  });

  it("an input that does not affect the output: zero by default, an error with allowUnused: false", () => {
    const f = (a: ax.Tensor, _b: ax.Tensor) => ax.sum(ax.square(a));
    const [ga, gb] = grad(f, { argnums: [0, 1] })(t([1, 2], [2]), t([5, 6, 7], [3]));
    expectClose(ga, [2, 4]);
    expect(gb.shape).toEqual([3]);
    expectClose(gb, [0, 0, 0]);
    expect(() => grad(f, { argnums: [0, 1], allowUnused: false })(t([1, 2], [2]), t([5, 6, 7], [3]))).toThrow(
      /grad: argument 1 does not affect the output \(allowUnused: false\)/,
    );
    // An output that depends on nothing watched at all.
    expectClose(grad((_x: ax.Tensor) => t(1))(t([1], [1])), [0]);
  });

  it("a gradient asked through a non-differentiable primitive names it instead of returning zeros", () => {
    const x = t([0.3, 2, -1], [3]);
    const viaArgmax = (v: ax.Tensor) => ax.sum(ax.gather(t([10, 20, 30], [3]), ax.argmax(v)));
    expect(() => grad(viaArgmax)(x)).toThrow(NonDifferentiableError);
    expect(() => grad(viaArgmax)(x)).toThrow(
      /grad: argument 0 reaches the output only through 'argmax', which has no gradient/,
    );
    const viaCompare = (v: ax.Tensor) => ax.sum(ax.where(ax.greater(v, 0), t(1), t(0)));
    expect(() => grad(viaCompare)(x)).toThrow(/only through 'greater'.*comparison/);
    const viaIntCast = (v: ax.Tensor) => ax.sum(ax.cast(ax.cast(v, "int32"), "float64"));
    expect(() => grad(viaIntCast)(x)).toThrow(/only through 'cast'/);
    // Opting in gives zeros, and so does stopGradient on that path.
    expectClose(grad(viaArgmax, { allowNonDifferentiable: true })(x), [0, 0, 0]);
    expectClose(grad((v: ax.Tensor) => viaArgmax(stopGradient(v)))(x), [0, 0, 0]);
  });

  it("a non-differentiable side path next to a differentiable one is fine (relu-like masks)", () => {
    const x = t([0.5, -2, 3], [3]);
    const masked = (v: ax.Tensor) => ax.sum(ax.mul(v, ax.cast(ax.greater(v, 0), "float64")));
    expectClose(grad(masked)(x), [1, 0, 1]);
    // With two arguments, the one that only reaches through argmax is named.
    const f = (w: ax.Tensor, v: ax.Tensor) => ax.add(ax.sum(w), ax.sum(ax.cast(ax.argmax(v), "float64")));
    expect(() => grad(f, { argnums: [0, 1] })(x, x)).toThrow(
      /argument 1 reaches the output only through 'argmax'/,
    );
  });

  it("floor, ceil, round and sign are differentiable with a zero gradient (documented, as in JAX)", () => {
    const x = t([0.3, 1.7, -2.2], [3]);
    for (const op of [ax.floor, ax.ceil, ax.round, ax.sign]) {
      expectClose(grad((v: ax.Tensor) => ax.sum(op(v)))(x), [0, 0, 0]);
    }
    // A straight-through path adds the identity back.
    const ste = (v: ax.Tensor) => ax.sum(ax.add(v, stopGradient(ax.sub(ax.round(v), v))));
    expectClose(grad(ste)(x), [1, 1, 1]);
  });

  it("bad arguments", () => {
    expect(() => grad(sumSq, { argnums: 2 })(t(1))).toThrow(
      /argnums asks for argument 2, but the function was called with 1 argument/,
    );
    expect(() => grad(sumSq, { argnums: [] })(t(1))).toThrow(/argnums must be/);
    expect(() => grad("f" as unknown as typeof sumSq)).toThrow(/expected a function/);
    expect(() => grad((_s: string) => t(1))("no tensor")).toThrow(/argument 0 holds no tensor/);
    expect(() => grad(sumSq, { hasAux: true } as never)(t(1))).toThrow(
      /with hasAux the function must return \[output, aux\]/,
    );
    expect(() => grad(sumSq, { argnum: 1 } as never)).toThrow(
      /the second argument must be options \(argnums, hasAux.*got an object with keys argnum/,
    );
  });

  it("a saved tensor disposed inside the function is reported at backward", () => {
    const f = (w: ax.Tensor) => {
      const e = ax.exp(w);
      const s = ax.sum(e);
      e.dispose();
      return s;
    };
    expect(() => grad(f)(t([1, 2], [2]))).toThrow(
      /the backward of 'exp' needs its output from the forward pass, but it was disposed/,
    );
  });
});

describe("values stay correct across calls", () => {
  it("gradients do not alias the inputs", () => {
    const w = t([1, 2], [2]);
    const g = grad((v: ax.Tensor) => ax.sum(v))(w);
    expectClose(g, [1, 1]);
    expect(values(w)).toEqual([1, 2]);
  });
});
