import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { checkpoint, customGrad, grad, gradCheck, hvp, valueAndGrad, vjp } from "./index.ts";
import { useCpuBackend } from "./test-helpers.ts";

// The README's examples, run as written, with the values they promise.
describe("README examples", () => {
  useCpuBackend();
  const values = (t: ax.Tensor) => Array.from(t.dataSync());

  it("grad, argnums, trees, captured parameters, vjp, second derivatives, gradCheck", () => {
    const w = ax.tensor([1, -2, 3]);
    expect(values(grad((v: ax.Tensor) => ax.sum(ax.square(v)))(w))).toEqual([2, -4, 6]);

    const [da, db] = grad((a: ax.Tensor, b: ax.Tensor) => ax.sum(ax.mul(a, b)), { argnums: [0, 1] })(
      w,
      ax.tensor([4, 5, 6]),
    );
    expect([values(da), values(db)]).toEqual([
      [4, 5, 6],
      [1, -2, 3],
    ]);

    const params = {
      kernel: ax.tensor([
        [0.1, 0.2],
        [0.3, 0.4],
      ]),
      bias: ax.tensor([0, 0]),
    };
    const x = ax.tensor([[1, 2]]);
    const loss = (p: typeof params) => ax.sum(ax.square(ax.add(ax.matmul(x, p.kernel), p.bias)));
    const [value, grads] = valueAndGrad(loss)(params);
    // y = x·K = [0.7, 1.0]; loss = 0.49 + 1 = 1.49; dL/dK = xᵀ·2y; dL/db = 2y.
    expect(value.dataSync()[0]).toBeCloseTo(1.49, 5);
    expect(values(grads.bias)).toEqual([expect.closeTo(1.4, 5), expect.closeTo(2, 5)]);
    expect(values(grads.kernel)).toEqual([1.4, 2, 2.8, 4].map((v) => expect.closeTo(v, 5)));

    const [value2, grads2] = valueAndGrad(() => loss(params), params)();
    expect(value2.dataSync()[0]).toBeCloseTo(1.49, 5);
    expect(values(grads2.kernel)).toEqual(values(grads.kernel));

    const [y, pullback] = vjp((v: ax.Tensor) => ax.mul(v, v), w);
    expect(values(y)).toEqual([1, 4, 9]);
    const [dw] = pullback(ax.tensor([1, 0, 0]));
    expect(values(dw).map((e) => e + 0)).toEqual([2, 0, 0]); // + 0 folds −0 (0 · −2) into 0

    // d²/dv² Σ tanh(v) = −2·tanh(v)·(1 − tanh²(v))
    const d2tanh = grad((v: ax.Tensor) => ax.sum(grad((u: ax.Tensor) => ax.sum(ax.tanh(u)))(v)));
    const expected = [1, -2, 3].map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2));
    expect(values(d2tanh(w))).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    const [hv] = hvp((v: ax.Tensor) => ax.sum(ax.pow(v, 3)), [w], [ax.tensor([1, 1, 1])]);
    expect(values(hv)).toEqual([6, -12, 18].map((v) => expect.closeTo(v, 4)));

    const report = gradCheck((v) => ax.sum(ax.softplus(v)), [w]);
    expect(report.ok).toBe(true);
    expect(report.relativeDifference).toBeLessThan(1e-6);
  });

  it("customGrad and checkpoint", () => {
    const roundSTE = customGrad((v: ax.Tensor) => ({ value: ax.round(v), grad: (dy) => [dy] }));
    const v = ax.tensor([0.4, 1.6]);
    expect(values(roundSTE(v))).toEqual([0, 2]);
    expect(values(grad((u: ax.Tensor) => ax.sum(roundSTE(u)))(v))).toEqual([1, 1]);

    const softplus = customGrad((u: ax.Tensor) => ({
      value: ax.softplus(u),
      grad: (dy, { inputs: [input] }) => [ax.mul(dy, ax.sigmoid(input))],
    }));
    const g1 = grad((u: ax.Tensor) => ax.sum(softplus(u)))(v);
    const g2 = grad((u: ax.Tensor) => ax.sum(ax.softplus(u)))(v);
    expect(values(g1)).toEqual(values(g2).map((e) => expect.closeTo(e, 6)));

    const x = ax.tensor([[1, 2]]);
    const kernel = ax.tensor([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    const block = checkpoint((h: ax.Tensor, k: ax.Tensor) => ax.tanh(ax.matmul(ax.tanh(ax.matmul(h, k)), k)));
    const plain = (h: ax.Tensor, k: ax.Tensor) => ax.tanh(ax.matmul(ax.tanh(ax.matmul(h, k)), k));
    const gc = grad((k: ax.Tensor) => ax.sum(block(block(x, k), k)))(kernel);
    const gp = grad((k: ax.Tensor) => ax.sum(plain(plain(x, k), k)))(kernel);
    expect(values(gc)).toEqual(values(gp).map((e) => expect.closeTo(e, 6)));
  });
});
