import { conv2d, zeros } from "@axon/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { constant } from "../init/basic.ts";
import {
  NUM_RUNS,
  expectClose,
  expectGradOk,
  gradCheckLayer,
  spread,
  useCpuBackend,
  values,
} from "../test-helpers.ts";
import { Conv2d } from "./conv2d.ts";

describe("Conv2d", () => {
  useCpuBackend();

  it("holds a [kh, kw, in, out] kernel and convolves NHWC input with strides, padding and dilations", () => {
    const c = new Conv2d(2, 3, [3, 2], { strides: 2, padding: "same" });
    expect(c.kernel.shape).toEqual([3, 2, 2, 3]);
    expect(c.call(zeros([1, 7, 8, 2])).shape).toEqual([1, 4, 4, 3]);
    const dilated = new Conv2d(1, 1, 3, { dilations: 2 });
    expect(dilated.call(zeros([2, 9, 9, 1])).shape).toEqual([2, 5, 5, 1]);
    const x = spread([1, 5, 5, 2], 3, "float32");
    const conv = new Conv2d(2, 4, 3, { padding: 1, biasInitializer: constant(0.25) });
    const expected = conv2d(x, conv.kernel.value, { padding: 1 }).add(0.25);
    expectClose(conv.call(x), values(expected));
  });

  it("output sizes follow ⌈in/stride⌉ for 'same' and ⌊(in − dilated kernel)/stride⌋ + 1 for 'valid'", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }),
        fc.constantFrom("same" as const, "valid" as const),
        (size, k, stride, dilation, padding) => {
          const span = (k - 1) * dilation + 1;
          fc.pre(padding === "same" || size >= span);
          const conv = new Conv2d(2, 3, k, { strides: stride, dilations: dilation, padding });
          const out = padding === "same" ? Math.ceil(size / stride) : Math.floor((size - span) / stride) + 1;
          expect(conv.call(zeros([1, size, size, 2])).shape).toEqual([1, out, out, 3]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("refuses input with the wrong number of channels", () => {
    expect(() => new Conv2d(3, 8, 3).call(zeros([1, 5, 5, 1]))).toThrow(
      "Conv2d: x must have 3 channels (inChannels) on axis -1 and rank >= 3, got shape [1,5,5,1]",
    );
  });

  it("passes gradCheck with strides, padding and dilations, in both modes", () => {
    for (const mode of ["train", "eval"] as const) {
      expectGradOk(gradCheckLayer(new Conv2d(2, 3, 3, { padding: "same" }), spread([1, 4, 4, 2]), mode));
      expectGradOk(
        gradCheckLayer(
          new Conv2d(1, 2, 2, { strides: 2, dilations: 1, useBias: false }),
          spread([2, 4, 4, 1]),
          mode,
        ),
      );
      expectGradOk(gradCheckLayer(new Conv2d(1, 1, 2, { dilations: 2 }), spread([1, 5, 5, 1], 4), mode));
    }
  });
});
