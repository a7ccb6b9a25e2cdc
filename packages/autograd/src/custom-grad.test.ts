import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { customGrad } from "./custom-grad.ts";
import { grad, valueAndGrad, vjp } from "./grad.ts";
import { gradCheck } from "./grad-check.ts";
import { expectClose, t, useCpuBackend, values } from "./test-helpers.ts";

useCpuBackend();

/** softplus with the stable backward σ(x), written from the saved input. */
const softplus = customGrad((x: ax.Tensor) => ({
  value: ax.softplus(x),
  grad: (dy, { inputs: [input] }) => [ax.mul(dy, ax.sigmoid(input))],
}));

/** tanh whose backward reuses the forward value: higher-order gradients stay exact. */
const tanh = customGrad((x: ax.Tensor) => ({
  value: ax.tanh(x),
  grad: (dy, { value }) => ax.mul(dy, ax.sub(1, ax.square(value))),
}));

describe("customGrad", () => {
  const x = () => t([-2, -0.5, 0.1, 1.3, 3], [5]);

  it("gives the same gradients as the plain function", () => {
    const loss = (f: (v: ax.Tensor) => ax.Tensor) => (v: ax.Tensor) =>
      ax.sum(ax.mul(f(v), t([1, 2, 3, 4, 5], [5])));
    expectClose(grad(loss(softplus))(x()), values(grad(loss(ax.softplus))(x())), 1e-12);
    expectClose(grad(loss(tanh))(x()), values(grad(loss(ax.tanh))(x())), 1e-12);
    expect(gradCheck(loss(softplus), [x()]).relativeDifference).toBeLessThan(1e-6);
    // Without a tape it is just the function.
    expectClose(softplus(x()), values(ax.softplus(x())), 1e-12);
  });

  it("gives the same second derivatives when the backward uses the saved inputs and value", () => {
    const d2 = (f: (v: ax.Tensor) => ax.Tensor) =>
      grad((v: ax.Tensor) => ax.sum(grad((u: ax.Tensor) => ax.sum(f(u)))(v)));
    expectClose(d2(tanh)(x()), values(d2(ax.tanh)(x())), 1e-12);
    expectClose(d2(softplus)(x()), values(d2(ax.softplus)(x())), 1e-12);
  });

  it("replaces the backward: a straight-through estimator for round", () => {
    const roundSTE = customGrad((v: ax.Tensor) => ({ value: ax.round(v), grad: (dy) => [dy] }));
    const [value, g] = valueAndGrad((v: ax.Tensor) => ax.sum(ax.mul(roundSTE(v), v)))(t([0.4, 1.6], [2]));
    expectClose(value, [0 * 0.4 + 2 * 1.6]);
    // d/dv [round(v)·v] with round' := 1 is v + round(v)
    expectClose(g, [0.4, 1.6 + 2]);
  });

  it("handles several arguments, tree values and an output that is also an input", () => {
    const both = customGrad((a: ax.Tensor, scale: number, b: ax.Tensor) => ({
      value: { same: a, prod: ax.mul(ax.mul(a, b), scale) },
      grad: (ct, { inputs: [a0, s, b0] }) => [
        ax.add(ct.same, ax.mul(ax.mul(ct.prod, b0), s)),
        null,
        ax.mul(ax.mul(ct.prod, a0), s),
      ],
    }));
    const a = t([1, 2], [2]);
    const b = t([3, 4], [2]);
    const [ga, gb] = grad((p: ax.Tensor, q: ax.Tensor) => ax.sum(both(p, 2, q).prod), { argnums: [0, 1] })(
      a,
      b,
    );
    expectClose(ga, [6, 8]);
    expectClose(gb, [2, 4]);
    // The unused output gets a zero cotangent; the identity output carries its own.
    const [ga2] = grad((p: ax.Tensor, q: ax.Tensor) => ax.sum(both(p, 2, q).same), { argnums: [0, 1] })(a, b);
    expectClose(ga2, [1, 1]);
    const [out, pullback] = vjp((p: ax.Tensor) => both(p, 1, b).prod, a);
    expectClose(out, [3, 8]);
    expectClose(pullback(t([1, 1], [2]))[0], [3, 4]);
  });

  it("refuses a body that reads a differentiated tensor it was not given", () => {
    const w = t([1, 2], [2]);
    const f = (v: ax.Tensor) => {
      const leaky = customGrad((u: ax.Tensor) => ({ value: ax.mul(u, v), grad: (dy) => [dy] }));
      return ax.sum(leaky(t([1, 1], [2])));
    };
    expect(() => grad(f)(w)).toThrow(
      /customGrad: the body reads a tensor that is being differentiated but is not one of its arguments/,
    );
  });

  it("checks what the body and the backward return", () => {
    const noGradFn = customGrad(((v: ax.Tensor) => ({ value: v })) as never);
    expect(() => grad((v: ax.Tensor) => ax.sum(noGradFn(v) as ax.Tensor))(t(1))).toThrow(
      /customGrad: the body must return \{ value, grad/,
    );
    const wrongShape = customGrad((v: ax.Tensor) => ({
      value: ax.mul(v, 2),
      grad: () => [t([1, 2, 3], [3])],
    }));
    expect(() => grad((v: ax.Tensor) => ax.sum(wrongShape(v)))(t([1, 2], [2]))).toThrow(
      /the backward of 'customGrad' returned a gradient of shape \[3\] \(float64\) for input 0 of shape \[2\]/,
    );
  });
});
