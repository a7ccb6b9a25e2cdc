import { valueAndGrad } from "@axon/autograd";
import { type Tensor, tensor } from "@axon/core";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchNorm } from "./layers/batch-norm.ts";
import { Conv2d } from "./layers/conv2d.ts";
import { Dense } from "./layers/dense.ts";
import { meanSquaredError } from "./losses.ts";
import { l1, l1l2, l2 } from "./regularizers.ts";
import { Sequential } from "./sequential.ts";
import { expectClose, useCpuBackend, values } from "./test-helpers.ts";

describe("regularizers", () => {
  useCpuBackend();
  let w: Tensor;
  beforeAll(() => {
    w = tensor([
      [1, -2],
      [0, 3],
    ]);
  });

  it("l1 is λ·Σ|w|, l2 is (λ/2)·Σw², l1l2 their sum", () => {
    expect(values(l1(0.1)(w))[0]).toBeCloseTo(0.6, 6);
    expect(values(l2(0.1)(w))[0]).toBeCloseTo(0.7, 6);
    expect(values(l1l2({ l1: 0.1, l2: 0.1 })(w))[0]).toBeCloseTo(1.3, 6);
    expect(l2(0.5).description).toBe("l2(0.5)");
    expect(() => l2(-1)).toThrow("l2: factor must be a finite number >= 0, got -1");
  });

  it("join the loss through regularizationLoss(), so the gradient carries λ·W (and λ·sign(W) for l1)", () => {
    const lambda = 0.3;
    const model = new Sequential([
      new Dense(2, 2, { kernelRegularizer: l2(lambda) }),
      new BatchNorm(2, { gammaRegularizer: l1(0.01) }),
      new Dense(2, 1, { biasRegularizer: l1(0.5) }),
    ]);
    model.at(0).parameters()[0].assign(w);
    const x = tensor([
      [0.5, -1],
      [2, 1],
    ]);
    const y = tensor([[1], [0]]);
    const params = model.parameters();
    const [, withPenalty] = valueAndGrad(
      () => meanSquaredError(model.call(x), y).add(model.regularizationLoss()),
      params,
    )();
    const [, without] = valueAndGrad(() => meanSquaredError(model.call(x), y), params)();
    // Kernel 0: the difference is exactly λ·W.
    expectClose(
      values(withPenalty[0]).map((g, i) => g - values(without[0])[i]),
      values(w).map((v) => lambda * v),
      1e-5,
    );
    // gamma: λ·sign(gamma) = 0.01 (gamma starts at 1); last bias: 0.5·sign(0) = 0.
    expectClose(
      values(withPenalty[2]).map((g, i) => g - values(without[2])[i]),
      [0.01, 0.01],
      1e-5,
    );
    expectClose(
      values(withPenalty[5]).map((g, i) => g - values(without[5])[i]),
      [0],
      1e-6,
    );
  });

  it("a conv kernel regularizer counts every kernel element", () => {
    const conv = new Conv2d(1, 2, 2, { kernelRegularizer: l1(1), useBias: false });
    const total = values(conv.kernel.value).reduce((a, v) => a + Math.abs(v), 0);
    expect(values(conv.regularizationLoss())[0]).toBeCloseTo(total, 5);
  });
});
