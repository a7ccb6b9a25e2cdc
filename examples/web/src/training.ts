import { type Dataset, sizeOfDataset, subset } from "@axon/data/browser";
import * as nn from "@axon/nn";
import * as optim from "@axon/optim";
import { setSeed } from "@axon/core";
import { demoMlp } from "../../models.ts";
import type { DigitSets } from "./digits.ts";

export interface TrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
}

/** What the page hears while a run goes on. */
export interface TrainingEvents {
  /** After every optimizer step: the batch's loss and accuracy. */
  batch(point: {
    step: number;
    epoch: number;
    batch: number;
    numBatches: number;
    loss: number;
    accuracy: number;
    ms: number;
  }): void;
  /** After every epoch: the validation loss and accuracy. */
  epoch(point: { epoch: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number }): void;
}

/** Gives the browser a turn (input, painting) between two steps. */
function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Trains the demo MLP with Adam (learning rate 2e-3, cosine decay per epoch) on the active backend,
 * yielding to the page after every step; `signal` ends the run at the next step with an AbortError.
 * Returns the model, trained.
 */
export async function train(
  sets: DigitSets,
  settings: TrainingSettings,
  events: TrainingEvents,
  signal: AbortSignal,
): Promise<nn.Sequential> {
  setSeed(settings.seed); // initialization and dropout draw from the global stream
  const model = demoMlp(0.3);
  const lr = 2e-3;
  const scheduler = new nn.LearningRateScheduler(
    optim.cosineDecay({ initial: lr, decaySteps: Math.max(1, settings.epochs - 1), alpha: 0.05 }),
  );
  let step = 0;
  let last = performance.now();
  await nn.fit(model, {
    data: sets.train,
    validation: sets.validation,
    validationBatchSize: 250,
    loss: "softmaxCrossEntropy",
    optimizer: new optim.Adam({ lr: scheduler.lr }),
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    seed: settings.seed,
    metrics: ["accuracy"],
    verbose: 0,
    callbacks: [
      scheduler,
      {
        // fit read the loss back already (one readback a step), so the values are here.
        onBatchEnd: async (batch, logs, ctx) => {
          const now = performance.now();
          events.batch({
            step: step++,
            epoch: ctx.epoch,
            batch,
            numBatches: ctx.numBatches,
            loss: logs.loss,
            accuracy: logs.accuracy,
            ms: now - last,
          });
          await nextTask();
          signal.throwIfAborted();
          last = performance.now();
        },
        onEpochEnd: (epoch, logs) =>
          events.epoch({
            epoch,
            loss: logs.loss,
            accuracy: logs.accuracy,
            valLoss: logs.val_loss,
            valAccuracy: logs.val_accuracy,
          }),
      },
    ],
  });
  return model;
}

/** Accuracy on `data` in chunks, with a turn for the page between two chunks. */
export async function testAccuracy(
  model: nn.Sequential,
  data: Dataset,
  signal: AbortSignal,
): Promise<number> {
  const n = sizeOfDataset(data);
  const chunk = 250;
  let correct = 0;
  for (let start = 0; start < n; start += chunk) {
    const rows = Int32Array.from({ length: Math.min(chunk, n - start) }, (_, i) => start + i);
    const { accuracy } = nn.evaluate(model, subset(data, rows), { metrics: ["accuracy"], batchSize: chunk });
    correct += accuracy * rows.length;
    await nextTask();
    signal.throwIfAborted();
  }
  return correct / n;
}
