import { tensor, zeros } from "@axon/core";
import { describe, expect, it } from "vitest";
import { expectGradOk, gradCheckLayer, spread, useCpuBackend, values } from "../test-helpers.ts";
import { Flatten } from "./flatten.ts";
import { AvgPool2d, GlobalAvgPool2d, GlobalMaxPool2d, MaxPool2d } from "./pooling.ts";

describe("pooling and Flatten", () => {
  useCpuBackend();

  it("pool windows, global pooling and flattening give the expected values and shapes", () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    expect(values(new MaxPool2d(2).call(x))).toEqual([6, 8, 14, 16]);
    expect(values(new AvgPool2d(2).call(x))).toEqual([3.5, 5.5, 11.5, 13.5]);
    expect(new MaxPool2d(3, { strides: 1, padding: "same" }).call(x).shape).toEqual([1, 4, 4, 1]);
    expect(values(new GlobalAvgPool2d().call(x))).toEqual([8.5]);
    expect(new GlobalAvgPool2d().call(zeros([2, 3, 3, 5])).shape).toEqual([2, 5]);
    expect(new GlobalAvgPool2d(true).call(zeros([2, 3, 3, 5])).shape).toEqual([2, 1, 1, 5]);
    expect(values(new GlobalMaxPool2d().call(x))).toEqual([16]);
    expect(new Flatten().call(zeros([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(() => new MaxPool2d(2).call(zeros([4, 4]))).toThrow("MaxPool2d: x must be [N, H, W, C]");
  });

  it("pass gradCheck in both modes", () => {
    const x = spread([2, 4, 4, 3]);
    for (const mode of ["train", "eval"] as const) {
      for (const layer of [
        new MaxPool2d(2),
        new AvgPool2d(3, { strides: 1, padding: "same" }),
        new GlobalAvgPool2d(),
        new GlobalMaxPool2d(),
        new Flatten(),
      ])
        expectGradOk(gradCheckLayer(layer, x, mode));
    }
  });
});
