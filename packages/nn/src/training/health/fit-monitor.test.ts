import { getBackend, log, memory } from "@axon/core";
import { Adam } from "@axon/optim";
import { beforeAll, describe, expect, it } from "vitest";
import { constant } from "../../init/basic.ts";
import { Lambda, ReLU } from "../../layers/activation-layers.ts";
import { Dense } from "../../layers/dense.ts";
import { Sequential } from "../../sequential.ts";
import { useCpuBackend, values } from "../../test-helpers.ts";
import { GradientNormMonitor } from "../callbacks.ts";
import { fit } from "../fit.ts";
import type { ProgressOutput } from "../progress.ts";
import { blobs, smallMlp } from "../test-data.ts";
import { HealthMonitor } from "./monitor.ts";
import { type HealthRecord, type HealthWarning, healthJsonLines, parseHealthJsonLines } from "./records.ts";
import { healthReport } from "./report.ts";

useCpuBackend();

let data: ReturnType<typeof blobs>;
beforeAll(() => {
  data = blobs(64, 8, 4, 2);
});

/** Lets the garbage collector run and core's finalizers release what it found. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  expect(gc, "run with --expose-gc (vitest.config passes it)").toBeTypeOf("function");
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Counts the backend's synchronous read-backs until `restore`. */
function countReadBacks(): { readonly count: number; restore(): void } {
  const backend = getBackend();
  const own = Object.getOwnPropertyDescriptor(backend, "readSync");
  const original = backend.readSync;
  const counter = { count: 0, restore: () => {} };
  backend.readSync = (...args) => {
    counter.count += 1;
    return original.apply(backend, args);
  };
  counter.restore = () => {
    if (own) Object.defineProperty(backend, "readSync", own);
    else delete (backend as { readSync?: unknown }).readSync;
  };
  return counter;
}

function capture(): ProgressOutput & { text: string } {
  const out = { text: "", isTTY: false, columns: 120, write: (s: string) => void (out.text += s) };
  return out;
}

describe("HealthMonitor under fit", () => {
  it("records every `every` steps with the epoch, fills the history's gradient norms, and logs warnings", async () => {
    const model = smallMlp(4);
    const lines: string[] = [];
    const monitor = new HealthMonitor({ every: 3, writeLine: (l) => lines.push(l) });
    const output = capture();
    const history = await fit(model, {
      data,
      loss: "softmaxCrossEntropy",
      optimizer: new Adam({ lr: 1e-2 }),
      epochs: 2,
      batchSize: 16,
      callbacks: [monitor],
      verbose: 1,
      output,
      seed: 1,
    });
    // 4 batches per epoch, 8 steps: 1, 4, 7.
    expect(monitor.records.map((r) => [r.step, r.epoch])).toEqual([
      [1, 0],
      [4, 0],
      [7, 1],
    ]);
    const names = monitor.records[0].layers.map((l) => `${l.name} ${l.type} ${l.kind}`);
    expect(names).toEqual([
      "0 Dense other",
      "1 BatchNorm other",
      "2 ReLU rectifier",
      "3 Dropout other",
      "4 Dense other",
    ]);
    // Batch norm's output is standardized over the batch: mean 0, standard deviation ≈ 1.
    for (const r of monitor.records) {
      expect(Math.abs(r.layers[1].mean!)).toBeLessThan(0.2);
      expect(r.layers[1].std!).toBeGreaterThan(0.8);
    }
    expect(history.gradientNorms?.layers).toEqual(["0 (Dense)", "1 (BatchNorm)", "4 (Dense)"]);
    expect(history.gradientNorms?.records.map((r) => r.step)).toEqual([1, 4, 7]);
    expect(history.gradientNorms?.records[1].norms[2]).toBeCloseTo(
      monitor.records[1].layers[4].gradientNorm!,
      5,
    );
    expect(lines.length).toBe(monitor.records.length + monitor.warnings.length);
    expect(parseHealthJsonLines(lines.join(""))[0]).toEqual(monitor.records[0]);
    for (const layer of model.layers) expect(Object.hasOwn(layer, "call")).toBe(false);
  });

  it("goes on recording when fit continues the same model, and starts afresh for another", async () => {
    const model = smallMlp(5);
    const monitor = new HealthMonitor({ every: 4 });
    const optimizer = new Adam({ lr: 1e-3 });
    const options = {
      data,
      loss: "softmaxCrossEntropy",
      optimizer,
      batchSize: 16,
      callbacks: [monitor],
      verbose: 0,
    } as const;
    await fit(model, { ...options, epochs: 1 });
    await fit(model, { ...options, epochs: 2, initialEpoch: 1 });
    expect(monitor.records.map((r) => [r.step, r.epoch])).toEqual([
      [1, 0],
      [5, 1],
    ]);
    await fit(smallMlp(6), { ...options, optimizer: new Adam({ lr: 1e-3 }), epochs: 1 });
    expect(monitor.records.map((r) => r.step)).toEqual([1]);
  });

  it("costs no read-back at unmonitored steps", async () => {
    const run = async (callbacks: HealthMonitor[]) => {
      await settle(); // what earlier tests left to the garbage collector is released now, not during the run
      const model = smallMlp(4);
      const reads = countReadBacks();
      const tensors = memory().numTensors;
      try {
        await fit(model, {
          data,
          loss: "softmaxCrossEntropy",
          optimizer: new Adam({ lr: 1e-3 }),
          epochs: 2,
          batchSize: 16,
          callbacks,
          verbose: 0,
          seed: 1,
        });
        return { reads: reads.count, tensors: memory().numTensors - tensors };
      } finally {
        reads.restore();
      }
    };
    const without = await run([]);
    const withMonitor = await run([new HealthMonitor({ every: 5 })]);
    expect(withMonitor.reads - without.reads).toBe(2); // steps 1 and 6 of 8
    expect(withMonitor.tensors).toBe(without.tensors); // the optimizer's state; the monitor keeps nothing
  });

  it("warns of dead units naming the layer and step, and names the primitive behind a NaN", async () => {
    const model = new Sequential([
      new Dense(8, 16, { biasInitializer: constant(-100) }),
      new ReLU(),
      new Dense(16, 4),
    ]);
    const output = capture();
    const monitor = new HealthMonitor({ every: 2 });
    await fit(model, {
      data,
      loss: "softmaxCrossEntropy",
      optimizer: new Adam({ lr: 1e-3 }),
      batchSize: 16,
      callbacks: [monitor],
      verbose: 1,
      output,
    });
    const dead = monitor.warnings.find((w) => w.kind === "dead");
    expect(dead).toMatchObject({ layer: "1", step: 1, epoch: 0 });
    expect(output.text).toContain(
      "Warning: dead units in layer 1 (ReLU) at step 1 (epoch 1): 100 % of its units",
    );

    const broken = new Sequential([new Dense(8, 4), new Lambda((h) => log(h.sub(1e3))), new Dense(4, 4)]);
    const nan = new HealthMonitor({ every: 1 });
    const before = values(broken.at(0).parameters()[0].value);
    await fit(broken, {
      data,
      loss: "softmaxCrossEntropy",
      optimizer: new Adam({ lr: 1e-3 }),
      batchSize: 16,
      callbacks: [nan],
      verbose: 0,
    });
    const w = nan.warnings.find((v) => v.primitive);
    expect(w).toMatchObject({ kind: "exploding", layer: "1", step: 1, primitive: "log" });
    // fit stops at the NaN loss; the diagnosis put back the parameters the optimizer left
    expect(values(broken.at(0).parameters()[0].value).some(Number.isNaN)).toBe(true);
    expect(before.every(Number.isFinite)).toBe(true);
  });

  it("and GradientNormMonitor do not both write the history's gradient norms", async () => {
    const run = (callbacks: (HealthMonitor | GradientNormMonitor)[]) =>
      fit(smallMlp(4), {
        data,
        loss: "softmaxCrossEntropy",
        optimizer: new Adam({ lr: 1e-3 }),
        batchSize: 32,
        callbacks,
        verbose: 0,
      });
    await expect(run([new GradientNormMonitor(), new HealthMonitor()])).rejects.toThrow(
      /HealthMonitor: another callback \(GradientNormMonitor\) already records gradient norms into this run's history/,
    );
    const history = await run([new GradientNormMonitor(), new HealthMonitor({ history: false })]);
    expect(history.gradientNorms?.records).toHaveLength(2);
  });
});

describe("health records", () => {
  const record: HealthRecord = {
    step: 11,
    epoch: 0,
    layers: [
      {
        name: "0",
        type: "Dense",
        kind: "other",
        mean: Number.NaN,
        std: Number.POSITIVE_INFINITY,
        deadFraction: null,
        saturatedFraction: null,
        gradientNorm: Number.NEGATIVE_INFINITY,
      },
    ],
    parameters: [
      {
        name: "0.kernel",
        layer: "0",
        gradientNorm: 1.5,
        weightNorm: 2,
        updateNorm: 0.01,
        updateRatio: 0.005,
      },
    ],
  };
  const warning: HealthWarning = {
    step: 11,
    epoch: 0,
    kind: "exploding",
    layer: "0",
    value: Number.NaN,
    primitive: "log",
    message: "exploding gradient in layer 0 (Dense) at step 11",
  };

  it("round-trip through JSON lines, NaN and ±Infinity included", () => {
    const text = healthJsonLines([record, warning]);
    expect(text.split("\n")).toHaveLength(3); // two lines and the final newline
    expect(text).toContain('"mean":"NaN"');
    expect(parseHealthJsonLines(`${text}\n`)).toEqual([record, warning]);
    expect(() => parseHealthJsonLines("{}\nnot json")).toThrow(/parseHealthJsonLines: line 2 is not JSON/);
  });

  it("make a self-contained report with a heat map per statistic and the warnings", () => {
    const records = [record, { ...record, step: 21 }];
    const html = healthReport(records, { warnings: [warning], title: "Health <run>" });
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain("Health &lt;run&gt;");
    expect(html).toContain("exploding gradient in layer 0 (Dense) at step 11");
    for (const title of [
      "Gradient norm ‖g‖₂ per layer",
      "Activation mean",
      "Activation standard deviation",
      "Update norm / weight norm per parameter",
    ])
      expect(html).toContain(`aria-label="${title}"`);
    expect(html).not.toContain('aria-label="Dead units'); // no rectifier layer
    expect(html.match(/class="cell nonfinite"/g)?.length).toBe(6); // mean, std and norm, two steps each
  });
});
