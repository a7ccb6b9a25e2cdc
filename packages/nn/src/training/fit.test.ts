import { type Tensor, ValueError, memory, tensor, tidy } from "@axon/core";
import { DataLoader, Standardizer, makeDataset, mnist, subset } from "@axon/data";
import { Adam, SGD, stepDecay } from "@axon/optim";
import { describe, expect, it } from "vitest";
import { Lambda } from "../layers/activation-layers.ts";
import { Dense } from "../layers/dense.ts";
import { Module } from "../module.ts";
import { Sequential } from "../sequential.ts";
import { t, useCpuBackend } from "../test-helpers.ts";
import { EarlyStopping, GradientNormMonitor, LearningRateScheduler } from "./callbacks.ts";
import { epochOrder } from "./data.ts";
import { evaluate, fit, predict } from "./fit.ts";
import { History } from "./history.ts";
import type { ProgressOutput } from "./progress.ts";
import { blobs, smallMlp } from "./test-data.ts";

/** Lets the garbage collector run and core's finalizers release what it found. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  expect(gc, "run with --expose-gc (vitest.config passes it)").toBeTypeOf("function");
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** The terminal sequence that clears the current line. */
const CLEAR_LINE = "\u001b[2K";

/** Collects what fit prints. */
function capture(isTTY: boolean): ProgressOutput & { text: string } {
  const out = { text: "", isTTY, columns: 120, write: (s: string) => void (out.text += s) };
  return out;
}

/** A model that records, in training mode, the ids (the single feature) of each batch it sees. */
class Recorder extends Module {
  readonly dense = new Dense(1, 2);
  readonly seen: number[][] = [];
  call(x: Tensor): Tensor {
    if (this.training) this.seen.push(Array.from(x.dataSync() as Float32Array));
    return this.dense.call(x);
  }
}

const numbered = (n: number) =>
  makeDataset({
    x: Float32Array.from({ length: n }, (_, i) => i),
    y: Int32Array.from({ length: n }, (_, i) => i % 2),
  });

describe("fit: batching", () => {
  useCpuBackend();

  it("visits every example exactly once per epoch, in DataLoader's seeded order, with a partial last batch", async () => {
    const data = numbered(10);
    const model = new Recorder();
    await fit(model, {
      data,
      loss: "softmaxCrossEntropy",
      optimizer: new SGD({ lr: 0.1 }),
      epochs: 3,
      batchSize: 4,
      seed: 7,
      verbose: 0,
    });
    expect(model.seen.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2, 4, 4, 2]);
    const loader = new DataLoader(data, { batchSize: 4, seed: 7 });
    for (let e = 0; e < 3; e++) {
      const epoch = model.seen.slice(3 * e, 3 * e + 3).flat();
      expect([...epoch].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(epoch).toEqual([...loader.hostBatches(e)].flatMap((b) => [...b.indices]));
      expect(epoch).toEqual([...epochOrder(10, 7, e)]);
    }
    // Epochs are shuffled differently.
    expect(model.seen.slice(0, 3).flat()).not.toEqual(model.seen.slice(3, 6).flat());
  });

  it("takes a DataLoader (its own batches) and tensors { x, y } as well", async () => {
    const data = numbered(7);
    const viaLoader = new Recorder();
    await fit(viaLoader, {
      data: new DataLoader(data, { batchSize: 3, seed: 2 }),
      loss: "softmaxCrossEntropy",
      optimizer: new SGD({ lr: 0.1 }),
      epochs: 2,
      verbose: 0,
    });
    expect(viaLoader.seen.map((b) => b.length)).toEqual([3, 3, 1, 3, 3, 1]);
    for (const e of [0, 1])
      expect([...viaLoader.seen.slice(3 * e, 3 * e + 3).flat()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);

    const viaTensors = new Recorder();
    const x = tensor(
      Array.from({ length: 7 }, (_, i) => i),
      [7, 1],
    );
    const y = tensor(
      Array.from({ length: 7 }, (_, i) => i % 2),
      [7],
      "int32",
    );
    await fit(viaTensors, {
      data: { x, y },
      loss: "softmaxCrossEntropy",
      optimizer: new SGD({ lr: 0.1 }),
      epochs: 2,
      batchSize: 3,
      seed: 2,
      verbose: 0,
    });
    expect(viaTensors.seen).toEqual(viaLoader.seen); // the same order as the DataLoader with that seed
  });

  it("refuses bad options with the name of the option", async () => {
    const model = smallMlp(1);
    const data = blobs(16);
    const optimizer = new Adam();
    await expect(
      fit(model, { data, loss: "softmaxCrossEntropy", optimizer, epoch: 3 } as never),
    ).rejects.toThrow(/fit: unknown option 'epoch'/);
    await expect(fit(model, { data, loss: "crossEntropy" as never, optimizer })).rejects.toThrow(
      /fit: loss must be/,
    );
    await expect(
      fit(model, { data, loss: "softmaxCrossEntropy", optimizer, batchSize: 0, verbose: 0 }),
    ).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    await expect(
      fit(model, { data: { x: 1 } as never, loss: "softmaxCrossEntropy", optimizer }),
    ).rejects.toThrow(ValueError);
  });
});

describe("fit: training", () => {
  useCpuBackend();

  it("a short run on a small MNIST subset brings the loss well below its start", async () => {
    const digits = subset(
      mnist({ featureShape: [784] }),
      Int32Array.from({ length: 512 }, (_, i) => i),
    );
    const data = new Standardizer({ mode: "global" }).fitTransform(digits);
    const model = new Sequential([new Dense(784, 32), new Lambda((h) => h.relu()), new Dense(32, 10)]);
    const first: number[] = [];
    const history = await fit(model, {
      data,
      loss: "softmaxCrossEntropy",
      optimizer: new Adam({ lr: 2e-3 }),
      epochs: 4,
      batchSize: 64,
      metrics: ["accuracy"],
      callbacks: [{ onBatchEnd: (b, logs) => void (b === 0 && first.length === 0 && first.push(logs.loss)) }],
      verbose: 0,
    });
    expect(first[0]).toBeGreaterThan(1.5); // about ln 10 at the start
    expect(history.last!.loss).toBeLessThan(first[0] / 4);
    expect(history.last!.accuracy).toBeGreaterThan(0.8);
    expect(history.series("loss")).toHaveLength(4);
    expect(history.series("loss").every((v, i, a) => i === 0 || v < a[i - 1])).toBe(true);
  });

  it("keeps the number of live tensors flat over many steps (training, validation, gradient norms)", async () => {
    await settle(); // what earlier tests left to the garbage collector is released now, not during the run
    const model = smallMlp(2);
    const counts: number[] = [];
    const epochEnd: number[] = [];
    await fit(model, {
      data: blobs(96),
      validation: blobs(40, 8, 4, 9),
      loss: "softmaxCrossEntropy",
      optimizer: new Adam({ lr: 1e-2 }),
      epochs: 6,
      batchSize: 8,
      metrics: ["accuracy", "top2Accuracy"],
      callbacks: [
        new GradientNormMonitor(),
        { onBatchEnd: () => void counts.push(memory().numTensors) },
        { onEpochEnd: () => void epochEnd.push(memory().numTensors) },
      ],
      verbose: 0,
    });
    expect(counts).toHaveLength(72);
    // The optimizer creates its state at the first step; after that nothing accumulates.
    expect(new Set(counts.slice(1))).toEqual(new Set([counts[1]]));
    expect(new Set(epochEnd)).toEqual(new Set([counts[1]]));
  });

  it("reports training and validation logs per epoch; evaluate and predict run in evaluation mode", async () => {
    const model = smallMlp(3);
    const train = blobs(64);
    const validation = blobs(30, 8, 4, 5);
    const history = await fit(model, {
      data: train,
      validation,
      loss: "softmaxCrossEntropy",
      optimizer: new Adam({ lr: 1e-2 }),
      epochs: 3,
      batchSize: 16,
      metrics: ["accuracy"],
      verbose: 0,
    });
    expect(history.keys()).toEqual(["loss", "accuracy", "val_loss", "val_accuracy", "lr"]);
    expect(history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(model.training).toBe(true);
    // The last epoch's validation logs are what evaluate gives (batches of any size: weighted by size).
    const result = evaluate(model, validation, {
      loss: "softmaxCrossEntropy",
      metrics: ["accuracy"],
      batchSize: 7,
    });
    expect(result.loss).toBeCloseTo(history.last!.val_loss, 5);
    expect(result.accuracy).toBe(history.last!.val_accuracy);
    expect(model.training).toBe(true);
    // predict = the model in evaluation mode, batch by batch.
    const x = t(Array.from(validation.x), [30, 8]);
    const whole = tidy(() => Array.from(model.eval().call(x).dataSync() as Float32Array));
    model.train();
    const pred = predict(model, x, { batchSize: 7 });
    expect(pred.shape).toEqual([30, 4]);
    for (const [i, v] of Array.from(pred.dataSync() as Float32Array).entries())
      expect(v).toBeCloseTo(whole[i], 5);
    expect(predict(model, validation, { batchSize: 8 }).shape).toEqual([30, 4]);
    expect(() => evaluate(model, validation)).toThrow(/give a loss, metrics, or both/);
  });

  it("stops when the loss is no longer finite", async () => {
    const model = new Sequential([new Dense(8, 4), new Lambda((h) => h.mul(Number.NaN))]);
    const out = capture(false);
    const history = await fit(model, {
      data: blobs(32),
      loss: "softmaxCrossEntropy",
      optimizer: new SGD({ lr: 0.1 }),
      epochs: 3,
      batchSize: 8,
      output: out,
    });
    expect(history.epochs).toHaveLength(1);
    expect(out.text).toMatch(/The loss became NaN at epoch 1, batch 1: training stops/);
  });
});

describe("fit: progress", () => {
  useCpuBackend();

  const run = (output: ProgressOutput, verbose?: 0 | 1 | 2) =>
    fit(smallMlp(4), {
      data: blobs(48),
      validation: blobs(16, 8, 4, 3),
      loss: "softmaxCrossEntropy",
      optimizer: new Adam(),
      epochs: 2,
      batchSize: 16,
      metrics: ["accuracy"],
      verbose,
      output,
    });

  it("falls back to one plain line per epoch when the output is not a terminal", async () => {
    const out = capture(false);
    await run(out);
    expect(out.text).not.toContain("\r");
    expect(out.text).not.toContain(CLEAR_LINE);
    const lines = out.text.trimEnd().split("\n");
    expect(lines[0]).toBe("Training for 2 epochs on 48 examples in 3 batches, validating on 16 examples");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      /^Epoch 1\/2 {2}3\/3 {2}\d+\.\ds {2}[\d,]+ ex\/s {2}loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_accuracy \d\.\d{4} {2}lr 1\.00e-3$/,
    );
    expect(lines[2]).toMatch(/^Epoch 2\/2 /);
  });

  it("draws a bar in place on a terminal, and is silent when quiet", async () => {
    const out = capture(true);
    await run(out);
    const text = out.text.replaceAll(CLEAR_LINE, "<clear>");
    expect(text).toMatch(
      /\r<clear>Epoch 1\/2 ━+─* 1\/3 {2}loss \d\.\d{4} {2}accuracy \d\.\d{4} {2}[\d,]+ ex\/s {2}ETA /,
    );
    // The summary line replaces the bar and ends with a newline.
    expect(text).toMatch(/\r<clear>Epoch 2\/2 {2}3\/3 {2}[^\r]*val_accuracy \d\.\d{4} {2}lr 1\.00e-3\n$/);
    const quiet = capture(true);
    await run(quiet, 0);
    expect(quiet.text).toBe("");
  });
});

describe("callbacks", () => {
  useCpuBackend();

  it("early stopping stops after `patience` epochs without improvement and restores the best weights", async () => {
    const model = smallMlp(5);
    const scores = [3, 1, 2, 2, 0.5, 0.1];
    const snapshots: Record<string, number[]>[] = [];
    const early = new EarlyStopping({ monitor: "score", patience: 1, restoreBestWeights: true });
    const out = capture(false);
    const history = await fit(model, {
      data: blobs(32),
      loss: "softmaxCrossEntropy",
      optimizer: new Adam({ lr: 0.05 }),
      epochs: 6,
      batchSize: 8,
      output: out,
      callbacks: [
        {
          onEpochEnd(epoch, logs) {
            (logs as Record<string, number>).score = scores[epoch];
            snapshots.push(
              Object.fromEntries(
                Object.entries(model.stateDict()).map(([k, v]) => [
                  k,
                  Array.from(v.dataSync() as Float32Array),
                ]),
              ),
            );
          },
        },
        early,
      ],
    });
    expect(early.mode).toBe("min");
    expect(early.bestEpoch).toBe(1);
    expect(early.stoppedEpoch).toBe(3);
    expect(history.epochs).toHaveLength(4);
    for (const [k, v] of Object.entries(model.stateDict()))
      expect(Array.from(v.dataSync() as Float32Array), k).toEqual(snapshots[1][k]);
    expect(snapshots[3]["0.kernel"]).not.toEqual(snapshots[1]["0.kernel"]);
    expect(out.text).toMatch(
      /Early stopping at epoch 4: score has not improved on 1.0000 \(epoch 2\) for 2 epochs/,
    );
    expect(out.text).toMatch(/Restored the weights of epoch 2/);
    expect(new EarlyStopping({ monitor: "val_accuracy" }).mode).toBe("max");
    await expect(
      fit(model, {
        data: blobs(8),
        loss: "softmaxCrossEntropy",
        optimizer: new Adam(),
        callbacks: [new EarlyStopping()],
        verbose: 0,
      }),
    ).rejects.toThrow(
      /the monitored log 'val_loss' is not among this epoch's logs \(loss, lr\); pass validation data to fit/,
    );
  });

  it("a learning-rate schedule per epoch sets the optimizer's rate for the whole epoch", async () => {
    const scheduler = new LearningRateScheduler(stepDecay({ initial: 0.1, rate: 0.5, stepSize: 2 }));
    const optimizer = new SGD({ lr: scheduler.lr });
    const rates: number[] = [];
    const history = await fit(smallMlp(6), {
      data: blobs(16),
      loss: "softmaxCrossEntropy",
      optimizer,
      epochs: 5,
      batchSize: 8,
      callbacks: [scheduler, { onBatchEnd: () => void rates.push(optimizer.currentLearningRate()) }],
      verbose: 0,
    });
    expect(history.series("lr")).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025]);
    await expect(
      fit(smallMlp(6), {
        data: blobs(16),
        loss: "softmaxCrossEntropy",
        optimizer: new SGD({ lr: 0.1 }),
        epochs: 2,
        callbacks: [new LearningRateScheduler((e) => 0.1 / (e + 1))],
        verbose: 0,
      }),
    ).rejects.toThrow(
      /the optimizer's learning rate is 0.1, not the scheduled 0.05; construct it with \{ lr: scheduler.lr \}/,
    );
  });

  it("the gradient-norm monitor logs each layer's norm per step and warns at once about a vanishing gradient", async () => {
    // The first layer's output is multiplied by 0: its gradient vanishes.
    const model = new Sequential([new Dense(8, 6), new Lambda((h) => h.mul(0)), new Dense(6, 4)]);
    const out = capture(false);
    const monitor = new GradientNormMonitor({ every: 2, print: true });
    const history = await fit(model, {
      data: blobs(32),
      loss: "softmaxCrossEntropy",
      optimizer: new SGD({ lr: 0.1 }),
      epochs: 2,
      batchSize: 8,
      callbacks: [monitor],
      output: out,
    });
    const g = history.gradientNorms!;
    expect(g.layers).toEqual(["0 (Dense)", "2 (Dense)"]);
    expect(g.records.map((r) => r.step)).toEqual([1, 3, 5, 7]);
    expect(g.records.map((r) => r.epoch)).toEqual([0, 0, 1, 1]);
    for (const r of g.records) {
      expect(r.norms[0]).toBe(0);
      expect(r.norms[1]).toBeGreaterThan(0);
    }
    expect(out.text).toMatch(
      /Warning: vanishing gradient in layer 0 \(Dense\): norm 0.00e\+0 at epoch 1, batch 1/,
    );
    expect(out.text).toMatch(
      /gradient norms \(epoch mean\): 0 \(Dense\) 0.00e\+0 · 2 \(Dense\) \d\.\d\de[-+]\d/,
    );
    // Once per layer and epoch: two epochs, two warnings.
    expect(out.text.match(/Warning: vanishing/g)).toHaveLength(2);
  });

  it("the norms are those of the gradients", async () => {
    const model = new Sequential([new Dense(2, 1, { useBias: false })]);
    const kernel = model.parameters()[0];
    kernel.assign(t([1, 2], [2, 1]));
    const history = await fit(model, {
      data: { x: t([1, 1], [1, 2]), y: t([0], [1, 1]) },
      loss: "meanSquaredError",
      optimizer: new SGD({ lr: 0 }),
      callbacks: [new GradientNormMonitor()],
      verbose: 0,
    });
    // loss = (w·x − 0)² = 9; dL/dw = 2·3·x = [6, 6]; ‖g‖ = 6√2.
    expect(history.last!.loss).toBe(9);
    expect(history.gradientNorms!.records[0].norms[0]).toBeCloseTo(6 * Math.SQRT2, 5);
  });

  it("a history survives JSON, non-finite values included", () => {
    const h = new History();
    h.epochs.push({ epoch: 0, seconds: 1.5, loss: Number.NaN, accuracy: 0.5 });
    h.gradientNorms = {
      layers: ["0 (Dense)"],
      records: [{ step: 1, epoch: 0, norms: [Number.POSITIVE_INFINITY] }],
    };
    const back = History.fromJSON(JSON.stringify(h));
    expect(back.epochs).toEqual(h.epochs);
    expect(back.gradientNorms).toEqual(h.gradientNorms);
  });
});
