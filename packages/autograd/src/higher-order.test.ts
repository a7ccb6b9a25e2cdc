import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { grad, hessianVectorProduct, hvp } from "./grad.ts";
import { gradCheck } from "./grad-check.ts";
import { expectClose, t, useCpuBackend, values } from "./test-helpers.ts";

// VJP rules are written with primitives, so an outer tape records an inner backward pass:
// second (and third) derivatives come for free and are checked here numerically.

useCpuBackend();

const xs = [-1.5, -0.3, 0.2, 0.9, 2.1];

describe("second derivatives", () => {
  it("tanh: d²/dx² = −2·tanh·(1 − tanh²), and the gradient of the gradient passes gradCheck", () => {
    const x = t(xs, [5]);
    const dtanh = (v: ax.Tensor) => grad((u: ax.Tensor) => ax.sum(ax.tanh(u)))(v);
    const d2 = grad((v: ax.Tensor) => ax.sum(dtanh(v)))(x);
    expectClose(
      d2,
      xs.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)),
      1e-12,
    );
    const r = gradCheck(dtanh, [x]);
    expect(r.relativeDifference).toBeLessThan(1e-6);
    // Third derivative: 2(1 − tanh²)(3tanh² − 1)
    const d3 = grad((v: ax.Tensor) => ax.sum(grad((u: ax.Tensor) => ax.sum(dtanh(u)))(v)))(x);
    expectClose(
      d3,
      xs.map((v) => 2 * (1 - Math.tanh(v) ** 2) * (3 * Math.tanh(v) ** 2 - 1)),
      1e-10,
    );
  });

  it("softplus: d²/dx² = σ(x)(1 − σ(x))", () => {
    const x = t(xs, [5]);
    const dsoftplus = (v: ax.Tensor) => grad((u: ax.Tensor) => ax.sum(ax.softplus(u)))(v);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    expectClose(dsoftplus(x), xs.map(sig), 1e-12);
    expectClose(
      grad((v: ax.Tensor) => ax.sum(dsoftplus(v)))(x),
      xs.map((v) => sig(v) * (1 - sig(v))),
      1e-12,
    );
    expect(gradCheck(dsoftplus, [x]).relativeDifference).toBeLessThan(1e-6);
  });

  it("a small MLP's loss: hvp matches central differences of the gradient", () => {
    const params = {
      w1: t(
        Array.from({ length: 3 * 4 }, (_, i) => Math.sin(i + 1) * 0.7),
        [3, 4],
      ),
      b1: t([0.1, -0.2, 0.3, 0], [4]),
      w2: t(
        Array.from({ length: 4 * 2 }, (_, i) => Math.cos(i) * 0.5),
        [4, 2],
      ),
    };
    const x = t(
      Array.from({ length: 5 * 3 }, (_, i) => Math.sin(i * 0.37)),
      [5, 3],
    );
    const labels = t([1, 0, 0, 1, 1, 0, 0.5, 0.5, 0, 1], [5, 2]);
    const loss = (p: typeof params) => {
      const h = ax.tanh(ax.add(ax.matmul(x, p.w1), p.b1));
      const logits = ax.matmul(h, p.w2);
      return ax.neg(ax.mean(ax.sum(ax.mul(labels, ax.logSoftmax(logits)), -1)));
    };
    const v = {
      w1: t(
        Array.from({ length: 12 }, (_, i) => Math.cos(3 * i)),
        [3, 4],
      ),
      b1: t([1, -1, 0.5, 0.25], [4]),
      w2: t(
        Array.from({ length: 8 }, (_, i) => Math.sin(2 * i)),
        [4, 2],
      ),
    };
    const [hv] = hvp(loss, [params], [v]);
    // (∇L(θ + εv) − ∇L(θ − εv)) / 2ε
    const eps = 1e-5;
    const shifted = (sgn: number) => {
      const p = Object.fromEntries(
        Object.entries(params).map(([k, w]) => [k, ax.add(w, ax.mul(v[k as keyof typeof v], sgn * eps))]),
      ) as typeof params;
      return grad(loss)(p);
    };
    const plus = shifted(1);
    const minus = shifted(-1);
    for (const k of ["w1", "b1", "w2"] as const) {
      const numeric = values(plus[k]).map((g, i) => (g - values(minus[k])[i]) / (2 * eps));
      expectClose(hv[k], numeric, 1e-7);
    }
    expect(hessianVectorProduct).toBe(hvp);
  });

  it("through conv2d and maxPool (their backward primitives have rules too)", () => {
    const x = t(
      Array.from({ length: 1 * 5 * 5 * 2 }, (_, i) => Math.sin(i * 1.91) + i * 0.01),
      [1, 5, 5, 2],
    );
    const f = t(
      Array.from({ length: 2 * 2 * 2 * 2 }, (_, i) => Math.cos(i * 0.7)),
      [2, 2, 2, 2],
    );
    const loss = (v: ax.Tensor, k: ax.Tensor) =>
      ax.sum(
        ax.square(
          ax.maxPool(ax.conv2d(v, k, { padding: "same", dilations: 2 }), { filterSize: 2, strides: 1 }),
        ),
      );
    const gradX = (v: ax.Tensor, k: ax.Tensor) => grad(loss, { argnums: [0, 1] })(v, k);
    expect(gradCheck(gradX, [x, f]).relativeDifference).toBeLessThan(1e-6);
    const avgLoss = (v: ax.Tensor) =>
      ax.sum(ax.square(ax.avgPool(ax.square(v), { filterSize: 3, strides: 2, padding: "same" })));
    expect(gradCheck((v) => grad(avgLoss)(v), [x]).relativeDifference).toBeLessThan(1e-6);
  });
});
