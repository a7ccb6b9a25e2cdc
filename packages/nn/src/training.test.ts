import { valueAndGrad } from "@axon/autograd";
import { memory, randomNormal, tensor, tidy } from "@axon/core";
import { describe, expect, it } from "vitest";
import { heNormal } from "./init/variance-scaling.ts";
import { ReLU } from "./layers/activation-layers.ts";
import { BatchNorm } from "./layers/batch-norm.ts";
import { Dense } from "./layers/dense.ts";
import { Dropout } from "./layers/dropout.ts";
import { softmaxCrossEntropy } from "./losses.ts";
import { l2 } from "./regularizers.ts";
import { Sequential } from "./sequential.ts";
import { useCpuBackend } from "./test-helpers.ts";

// Layers, losses, regularizers and gradients together: a small classifier learns, and a loop of
// steps keeps the number of live tensors flat (parameters and running statistics are replaced, not piled up).
describe("training with nn and autograd", () => {
  useCpuBackend();

  it("learns a separable problem and keeps memory flat", () => {
    const x = randomNormal([64, 2], { seed: 1 });
    const xs = Array.from(x.dataSync());
    const labels = tensor(
      Array.from({ length: 64 }, (_, i) => (xs[2 * i] + xs[2 * i + 1] > 0 ? 1 : 0)),
      [64],
      "int32",
    );
    const model = new Sequential([
      new Dense(2, 16, { kernelInitializer: heNormal({ seed: 2 }), kernelRegularizer: l2(1e-4) }),
      new BatchNorm(16, { momentum: 0.9 }),
      new ReLU(),
      new Dropout(0.1, { seed: 3 }),
      new Dense(16, 2, { kernelInitializer: heNormal({ seed: 4 }) }),
    ]);
    const params = model.parameters();
    const step = () =>
      tidy(() => {
        const [loss, grads] = valueAndGrad(
          () => softmaxCrossEntropy(model.call(x), labels).add(model.regularizationLoss()),
          params,
        )();
        for (const [i, p] of params.entries()) p.assign(p.value.sub(grads[i].mul(0.2)));
        return loss.dataSync()[0];
      });
    const first = step();
    const live = memory().numTensors;
    let last = first;
    for (let i = 0; i < 60; i++) last = step();
    expect(memory().numTensors).toBe(live);
    expect(last).toBeLessThan(first / 3);
    model.eval();
    const accuracy = tidy(() => model.call(x).argmax(-1).equal(labels).cast("float32").mean().dataSync()[0]);
    expect(accuracy).toBeGreaterThan(0.9);
  });
});
