import { tensor, zeros } from "@axon/core";
import { describe, expect, it } from "vitest";
import { constant } from "./init/basic.ts";
import { ReLU, Tanh } from "./layers/activation-layers.ts";
import { BatchNorm } from "./layers/batch-norm.ts";
import { Conv2d } from "./layers/conv2d.ts";
import { Dense } from "./layers/dense.ts";
import { Dropout } from "./layers/dropout.ts";
import { Flatten } from "./layers/flatten.ts";
import { MaxPool2d } from "./layers/pooling.ts";
import { Sequential } from "./sequential.ts";
import { expectGradOk, gradCheckLayer, spread, useCpuBackend, values } from "./test-helpers.ts";

describe("Sequential", () => {
  useCpuBackend();

  it("applies its layers in order and names them by position", () => {
    const model = new Sequential([new Dense(2, 2, { kernelInitializer: constant(1) }), new ReLU()]);
    model.add(new Dense(2, 1, { kernelInitializer: constant(-1) }));
    expect(model.length).toBe(3);
    expect(model.layers.length).toBe(3);
    expect(model.at(-1)).toBe(model.layers[2]);
    expect(values(model.call(tensor([[1, 2]])))).toEqual([-6]);
    expect(model.namedParameters().map(([n]) => n)).toEqual(["0.kernel", "0.bias", "2.kernel", "2.bias"]);
    expect(values(new Sequential().call(tensor([1])))).toEqual([1]);
  });

  it("explains what it cannot take", () => {
    expect(() => new Sequential([{} as never])).toThrow(
      "Sequential: layer 0 must be a Module, got an object (Object)",
    );
    expect(() => new Sequential().at(0)).toThrow("Sequential: no layer at index 0 (0 layers)");
  });

  it("a whole model passes gradCheck in training and evaluation mode", () => {
    const mlp = () =>
      new Sequential([
        new Dense(3, 4),
        new BatchNorm(4),
        new Tanh(),
        new Dropout(0.3, { seed: 1 }),
        new Dense(4, 2, { useBias: false }),
      ]);
    const cnn = () =>
      new Sequential([
        new Conv2d(1, 2, 2, { padding: "same" }),
        new BatchNorm(2),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Dense(8, 2),
      ]);
    for (const mode of ["train", "eval"] as const) {
      expectGradOk(gradCheckLayer(mlp, spread([5, 3]), mode));
      expectGradOk(gradCheckLayer(cnn, spread([2, 4, 4, 1], 3), mode));
    }
    expect(cnn().call(zeros([1, 4, 4, 1])).shape).toEqual([1, 2]);
  });
});
