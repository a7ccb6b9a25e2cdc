import { ShapeError, ValueError, relu, tensor, zeros } from "@axon/core";
import { describe, expect, it } from "vitest";
import { constant } from "../init/basic.ts";
import { heNormal } from "../init/variance-scaling.ts";
import { expectGradOk, gradCheckLayer, spread, useCpuBackend, values } from "../test-helpers.ts";
import { Dense, Linear } from "./dense.ts";

describe("Dense", () => {
  useCpuBackend();

  it("computes x·kernel + bias for any leading batch axes", () => {
    const d = new Dense(2, 3, { kernelInitializer: constant(1), biasInitializer: constant(0.5) });
    expect(d.kernel.shape).toEqual([2, 3]);
    expect(values(d.call(tensor([[1, 2]])))).toEqual([3.5, 3.5, 3.5]);
    expect(d.call(zeros([4, 5, 2])).shape).toEqual([4, 5, 3]);
    expect(Linear).toBe(Dense);
  });

  it("drops the bias with useBias: false and applies an activation", () => {
    const d = new Dense(2, 2, { useBias: false, kernelInitializer: constant(-1), activation: relu });
    expect(d.bias).toBeNull();
    expect(d.parameters().length).toBe(1);
    expect(values(d.call(tensor([[1, -3]])))).toEqual([2, 2]);
  });

  it("defaults to Glorot-uniform kernels and zero biases; takes any initializer", () => {
    const d = new Dense(300, 200);
    const limit = Math.sqrt(6 / 500);
    expect(values(d.kernel.value).every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(values(d.bias!.value).every((v) => v === 0)).toBe(true);
    const h = new Dense(300, 200, { kernelInitializer: heNormal({ seed: 1 }), dtype: "float64" });
    expect(h.kernel.dtype).toBe("float64");
  });

  it("explains wrong inputs and options", () => {
    const d = new Dense(784, 256);
    expect(() => d.call(zeros([32, 100]))).toThrow(
      new ShapeError("Dense: x must have 784 features (inputDim) on axis -1, got shape [32,100]"),
    );
    expect(() => new Dense(0, 3)).toThrow(
      new ValueError("Dense: inputDim must be a positive integer, got number 0"),
    );
    expect(() => new Dense(2, 3, { dtype: "int32" as never })).toThrow(
      "dtype must be 'float32' or 'float64'",
    );
    expect(() => new Dense(2, 3, { kernelInitializer: () => zeros([3, 2]) } as never)).toThrow(
      "the kernel initializer returned a Tensor of shape [3,2] and dtype float32, expected shape [2,3]",
    );
  });

  it("passes gradCheck (input, kernel, bias) in training and evaluation mode", () => {
    for (const mode of ["train", "eval"] as const) {
      expectGradOk(gradCheckLayer(new Dense(3, 4), spread([2, 3]), mode));
      expectGradOk(gradCheckLayer(new Dense(3, 2, { useBias: false }), spread([2, 5, 3], 2), mode));
    }
  });
});
