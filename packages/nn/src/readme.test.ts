import { readFileSync } from "node:fs";
import { gradCheck, valueAndGrad } from "@axon/autograd";
import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import * as nn from "./index.ts";
import { useCpuBackend } from "./test-helpers.ts";

// The README's examples, run as written.
describe("README examples", () => {
  useCpuBackend();

  it("run as written and do what they say", () => {
    const model = new nn.Sequential([
      new nn.Dense(4, 16, { kernelInitializer: nn.init.heNormal({ seed: 1 }) }),
      new nn.BatchNorm(16),
      new nn.ReLU(),
      new nn.Dropout(0.2, { seed: 2 }),
      new nn.Dense(16, 3),
    ]);
    const x = ax.randomNormal([8, 4], { seed: 3 });
    const labels = ax.tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], "int32");

    const params = model.parameters();
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      "0.kernel",
      "0.bias",
      "1.gamma",
      "1.beta",
      "4.kernel",
      "4.bias",
    ]);
    const [loss, grads] = valueAndGrad(() => nn.softmaxCrossEntropy(model.call(x), labels), params)();
    for (const [i, p] of params.entries()) p.assign(p.value.sub(grads[i].mul(0.1))); // plain SGD
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);

    model.eval();
    const predictions = model.call(x).argmax(-1);
    expect(predictions.shape).toEqual([8]);

    class Residual extends nn.Module {
      dense = new nn.Dense(16, 16, { useBias: false });
      norm = new nn.BatchNorm(16);
      call(h: ax.Tensor): ax.Tensor {
        return ax.relu(h.add(this.norm.call(this.dense.call(h))));
      }
    }

    class Net extends nn.Module {
      stem = new nn.Dense(4, 16);
      blocks = [new Residual(), new Residual()];
      head = new nn.Dense(16, 3, { kernelRegularizer: nn.l2(1e-3) });
      call(xIn: ax.Tensor): ax.Tensor {
        let h = this.stem.call(xIn);
        for (const block of this.blocks) h = block.call(h);
        return this.head.call(h);
      }
    }

    const net = new Net();
    const names = net.namedParameters().map(([name]) => name);
    expect(names.slice(0, 4)).toEqual([
      "stem.kernel",
      "stem.bias",
      "blocks.0.dense.kernel",
      "blocks.0.norm.gamma",
    ]);
    expect(names.at(-1)).toBe("head.bias");
    const total = nn.softmaxCrossEntropy(net.call(x), labels).add(net.regularizationLoss());
    expect(total.shape).toEqual([]);

    const state = model.stateDict();
    expect(Object.keys(state)).toContain("1.movingVariance");
    const copy = new nn.Sequential([
      new nn.Dense(4, 16),
      new nn.BatchNorm(16),
      new nn.ReLU(),
      new nn.Dropout(0.2, { seed: 2 }),
      new nn.Dense(16, 3),
    ]);
    copy.loadStateDict(state);
    copy.eval();
    expect(Array.from(copy.call(x).dataSync())).toEqual(Array.from(model.call(x).dataSync()));
    const { "4.bias": _b, ...missing } = state;
    expect(() => copy.loadStateDict(missing)).toThrow("loadStateDict: missing key '4.bias'");
    expect(() => copy.loadStateDict({ ...state, extra: ax.zeros([1]) })).toThrow(
      "loadStateDict: unexpected key 'extra'",
    );
    expect(() => copy.loadStateDict({ ...state, "0.kernel": ax.zeros([4, 8]) })).toThrow(
      "loadStateDict: shape mismatch for '0.kernel': expected [4,16], got [4,8]",
    );

    const cnn = new nn.Sequential([
      new nn.Conv2d(1, 8, 3, { padding: "same", useBias: false }),
      new nn.BatchNorm(8),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 3, { strides: 2 }),
      new nn.GlobalAvgPool2d(),
      new nn.Dense(16, 10),
    ]);
    // The table printed in the README, exactly.
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const printed = readme.slice(
      readme.indexOf("Layer (type)"),
      readme.indexOf("\n```", readme.indexOf("Layer (type)")),
    );
    expect(cnn.summary([1, 28, 28, 1])).toBe(printed);

    const dense = new nn.Dense(3, 2);
    const input = ax.randomNormal([2, 3], { seed: 4 });
    const report = gradCheck(
      (xIn, kernel, bias) => nn.functionalCall(dense, { kernel, bias }, () => dense.call(xIn)),
      [input, dense.kernel.value, dense.bias!.value],
    );
    expect(report.ok).toBe(true);
  });
});
