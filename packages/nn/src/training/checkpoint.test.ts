import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Tensor, getRandomState, setSeed } from "@axon/core";
import { Standardizer } from "@axon/data";
import { Adam, SGD } from "@axon/optim";
import { afterAll, describe, expect, it } from "vitest";
import { Dense } from "../layers/dense.ts";
import type { Module } from "../module.ts";
import { Sequential } from "../sequential.ts";
import { useCpuBackend } from "../test-helpers.ts";
import { GradientNormMonitor } from "./callbacks.ts";
import {
  CHECKPOINT_VERSION,
  CheckpointError,
  ModelCheckpoint,
  load,
  readCheckpoint,
  save,
  writeReport,
} from "./checkpoint.ts";
import { fit } from "./fit.ts";
import { blobs, smallMlp } from "./test-data.ts";

const dir = mkdtempSync(join(tmpdir(), "axon-checkpoint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every tensor of a model as plain numbers, by name. */
const weights = (m: Module): Record<string, number[]> =>
  Object.fromEntries(
    Object.entries(m.stateDict()).map(([k, v]) => [k, Array.from(v.dataSync() as Float32Array)]),
  );

/** The optimizer's state as plain data (tensors as value arrays). */
const optimizerState = (o: Adam): unknown =>
  JSON.parse(
    JSON.stringify(o.stateDict(), (_, v) =>
      v && typeof v === "object" && "dataSync" in v
        ? Array.from((v as Tensor).dataSync() as Float32Array)
        : v,
    ),
  );

/** Trains a few epochs so that batch norm's statistics and Adam's moments are not at their start values. */
async function trained(seed: number): Promise<{ model: Sequential; optimizer: Adam }> {
  const model = smallMlp(seed);
  const optimizer = new Adam({ lr: 1e-2 });
  await fit(model, {
    data: blobs(48),
    loss: "softmaxCrossEntropy",
    optimizer,
    epochs: 2,
    batchSize: 16,
    verbose: 0,
  });
  return { model, optimizer };
}

describe("checkpoints", () => {
  useCpuBackend();

  it("round trip: parameters, buffers, optimizer state, epoch, step, random state, standardizer, history", async () => {
    const { model, optimizer } = await trained(1);
    const standardizer = new Standardizer({ mode: "global" }).fit(blobs(20));
    const history = await fit(model, {
      data: blobs(16),
      loss: "softmaxCrossEntropy",
      optimizer,
      epochs: 1,
      verbose: 0,
      callbacks: [new GradientNormMonitor()],
    });
    setSeed(99);
    const random = getRandomState();
    const path = join(dir, "round-trip.axon");
    save(model, optimizer, path, { epoch: 3, standardizer, history, metadata: { note: "hello" } });
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]); // the temporary file was renamed

    const copy = smallMlp(2);
    const copyOptimizer = new Adam({ lr: 1e-2 });
    expect(weights(copy)).not.toEqual(weights(model));
    setSeed(5);
    const result = load(copy, path, { optimizer: copyOptimizer });
    expect(weights(copy)).toEqual(weights(model)); // parameters and batch-norm statistics, bit for bit
    expect(Object.keys(weights(copy))).toContain("1.movingVariance");
    expect(optimizerState(copyOptimizer)).toEqual(optimizerState(optimizer));
    expect(copyOptimizer.stepCount).toBe(optimizer.stepCount);
    expect(result.epoch).toBe(3);
    expect(result.step).toBe(optimizer.stepCount);
    expect(getRandomState()).toEqual(random);
    expect(Standardizer.fromJSON(result.standardizer as never).toJSON()).toEqual(standardizer.toJSON());
    expect(result.history!.epochs).toEqual(history.epochs);
    expect(result.history!.gradientNorms).toEqual(history.gradientNorms);
    expect(result.metadata).toEqual({ note: "hello" });

    const contents = readCheckpoint(path);
    expect(contents.version).toBe(CHECKPOINT_VERSION);
    expect(contents.tensors.get("model/0.kernel")).toEqual({ dtype: "float32", shape: [8, 16] });
    expect(contents.optimizer!.type).toBe("Adam");
  });

  it("refuses a corrupted byte, a truncated file, another format or version, and leaves the model as it was", async () => {
    const { model, optimizer } = await trained(3);
    const path = join(dir, "good.axon");
    save(model, optimizer, path, { epoch: 1 });
    const bytes = readFileSync(path);
    const target = smallMlp(4);
    const targetOptimizer = new Adam({ lr: 1e-2 });
    const before = weights(target);
    const attempt = (name: string, data: Uint8Array) => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return () => load(target, p, { optimizer: targetOptimizer });
    };
    for (const position of [100, bytes.length - 5]) {
      const corrupt = Uint8Array.from(bytes);
      corrupt[position] ^= 0x01; // one bit, in the header and in the tensor values
      expect(attempt("corrupt.axon", corrupt)).toThrow(
        /is corrupt: its SHA-256 checksum does not match its contents/,
      );
    }
    expect(attempt("truncated.axon", bytes.subarray(0, bytes.length - 10))).toThrow(
      /is truncated: its preamble says 56 \+ \d+ \+ \d+ = \d+ bytes, found \d+/,
    );
    expect(attempt("short.axon", bytes.subarray(0, 20))).toThrow(/shorter than the 56-byte preamble/);
    expect(
      attempt(
        "other.axon",
        new TextEncoder().encode("PK\u0003\u0004 this is a zip file, not a checkpoint at all........"),
      ),
    ).toThrow(/is not an Axon checkpoint: it starts with "PK/);
    const newer = Uint8Array.from(bytes);
    new DataView(newer.buffer).setUint32(8, 2, true);
    expect(attempt("newer.axon", newer)).toThrow(/has format version 2; this reader knows version 1/);
    expect(() => load(target, join(dir, "missing.axon"))).toThrow(/no checkpoint at/);
    try {
      attempt(
        "corrupt.axon",
        Uint8Array.from(bytes, (b, i) => (i === 200 ? b ^ 0xff : b)),
      )();
    } catch (e) {
      expect(e).toBeInstanceOf(CheckpointError);
    }
    expect(weights(target)).toEqual(before);
    expect(targetOptimizer.stepCount).toBe(0);
  });

  it("refuses a checkpoint of another model or optimizer, naming what differs, before changing anything", async () => {
    const { model, optimizer } = await trained(5);
    const path = join(dir, "mlp.axon");
    save(model, optimizer, path, { epoch: 2 });

    const wider = new Sequential([new Dense(8, 32)]);
    const before = weights(wider);
    expect(() => load(wider, path)).toThrow(
      /does not fit: the model has '0.bias', which the checkpoint lacks/,
    );
    expect(weights(wider)).toEqual(before);

    const sameKeys = smallMlp(6, 8, 4, 12); // same names, hidden width 12 instead of 16
    const before2 = weights(sameKeys);
    expect(() => load(sameKeys, path)).toThrow(
      /'0.kernel' has shape \[8,16\] in the checkpoint and \[8,12\] in the model/,
    );
    expect(weights(sameKeys)).toEqual(before2);

    const target = smallMlp(7);
    const before3 = weights(target);
    expect(() => load(target, path, { optimizer: new SGD({ lr: 0.1 }) })).toThrow(
      /its optimizer state is from Adam, not SGD/,
    );
    expect(weights(target)).toEqual(before3);

    const noOptimizer = join(dir, "weights-only.axon");
    save(model, null, noOptimizer);
    expect(() => load(target, noOptimizer, { optimizer: new Adam() })).toThrow(/holds no optimizer state/);
    expect(weights(target)).toEqual(before3);
    load(target, noOptimizer); // the weights alone are fine
    expect(weights(target)).toEqual(weights(model));
  });

  it("resuming at an epoch boundary gives exactly the losses of a run that never stopped", async () => {
    // Batch norm, dropout from the global stream, Adam: everything a resume must restore.
    const data = blobs(60);
    const validation = blobs(20, 8, 4, 11);
    const options = {
      data,
      validation,
      loss: "softmaxCrossEntropy" as const,
      epochs: 5,
      batchSize: 16,
      metrics: ["accuracy" as const],
      verbose: 0 as const,
    };
    const record = (into: number[][]) => ({
      onEpochBegin: () => void into.push([]),
      onBatchEnd: (_: number, logs: { loss: number }) => void into.at(-1)!.push(logs.loss),
    });

    const uninterrupted: number[][] = [];
    const a = smallMlp(21);
    const aOptimizer = new Adam({ lr: 1e-2 });
    const template = join(dir, "run-epoch{epoch}.axon");
    setSeed(1234);
    const aHistory = await fit(a, {
      ...options,
      optimizer: aOptimizer,
      callbacks: [record(uninterrupted), new ModelCheckpoint(template)],
    });
    expect(existsSync(join(dir, "run-epoch2.axon"))).toBe(true);

    // A new process, in effect: other weights, a fresh optimizer, the random stream elsewhere.
    const resumed: number[][] = [];
    const b = smallMlp(22);
    const bOptimizer = new Adam({ lr: 1e-2 });
    setSeed(777);
    const state = load(b, join(dir, "run-epoch2.axon"), { optimizer: bOptimizer });
    expect(state.epoch).toBe(2);
    const bHistory = await fit(b, {
      ...options,
      optimizer: bOptimizer,
      initialEpoch: state.epoch,
      history: state.history!,
      callbacks: [record(resumed)],
    });

    expect(resumed).toEqual(uninterrupted.slice(2)); // every batch loss, bit for bit (float32 read back)
    expect(resumed.flat().length).toBe(12);
    expect(weights(b)).toEqual(weights(a));
    expect(bHistory.series("val_loss")).toEqual(aHistory.series("val_loss"));
    expect(bHistory.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
  });

  it("resuming restores a seeded dropout layer's position in its own key sequence", async () => {
    const options = {
      data: blobs(48),
      loss: "softmaxCrossEntropy" as const,
      epochs: 4,
      batchSize: 16,
      verbose: 0 as const,
    };
    const losses = (into: number[]) => ({
      onBatchEnd: (_: number, logs: { loss: number }) => void into.push(logs.loss),
    });
    const full: number[] = [];
    const a = smallMlp(31, 8, 4, 16, 5);
    const aOptimizer = new Adam({ lr: 1e-2 });
    await fit(a, {
      ...options,
      optimizer: aOptimizer,
      callbacks: [losses(full), new ModelCheckpoint(join(dir, "seeded-dropout-{epoch}.axon"))],
    });

    const part: number[] = [];
    const b = smallMlp(32, 8, 4, 16, 5); // the same dropout seed, at the start of its sequence
    const bOptimizer = new Adam({ lr: 1e-2 });
    const state = load(b, join(dir, "seeded-dropout-2.axon"), { optimizer: bOptimizer });
    expect(Array.from(b.stateDict()["3.keyPosition"].dataSync())).toEqual([6, 0]); // 2 epochs × 3 batches
    await fit(b, { ...options, optimizer: bOptimizer, initialEpoch: state.epoch, callbacks: [losses(part)] });
    expect(part).toEqual(full.slice(6));
    expect(weights(b)).toEqual(weights(a));
  });

  it("with fit's seed, the random stream of each epoch depends only on (seed, epoch)", async () => {
    const options = {
      data: blobs(40),
      loss: "softmaxCrossEntropy" as const,
      epochs: 4,
      batchSize: 16,
      seed: 3,
      verbose: 0 as const,
    };
    const losses = (into: number[]) => ({
      onBatchEnd: (_: number, logs: { loss: number }) => void into.push(logs.loss),
    });
    const full: number[] = [];
    const a = smallMlp(31);
    const aOptimizer = new Adam({ lr: 1e-2 });
    await fit(a, { ...options, optimizer: aOptimizer, epochs: 2 });
    const path = join(dir, "seeded.axon");
    save(a, aOptimizer, path, { epoch: 2, randomState: false });
    await fit(a, { ...options, optimizer: aOptimizer, initialEpoch: 2, callbacks: [losses(full)] });

    const part: number[] = [];
    const b = smallMlp(32);
    const bOptimizer = new Adam({ lr: 1e-2 });
    setSeed(4242); // not restored from the file: the epoch's seed sets it
    load(b, path, { optimizer: bOptimizer });
    await fit(b, { ...options, optimizer: bOptimizer, initialEpoch: 2, callbacks: [losses(part)] });
    expect(part).toEqual(full);
  });

  it("writes the report next to the checkpoint", async () => {
    const model = smallMlp(8);
    const history = await fit(model, {
      data: blobs(32),
      validation: blobs(16, 8, 4, 2),
      loss: "softmaxCrossEntropy",
      optimizer: new Adam(),
      epochs: 2,
      batchSize: 8,
      metrics: ["accuracy"],
      callbacks: [new GradientNormMonitor()],
      verbose: 0,
    });
    const path = join(dir, "report", "report.html");
    writeReport(path, history, { title: "A <small> run" });
    const html = readFileSync(path, "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain("<title>A &lt;small&gt; run</title>");
    expect(html.match(/<svg /g)!.length).toBe(4); // loss, accuracy, learning rate, gradient norms
    expect(html).toContain("validation accuracy");
    expect(html).toContain("0 (Dense)");
    expect(html).not.toMatch(/<script|src=|href=/); // self-contained
  });
});
