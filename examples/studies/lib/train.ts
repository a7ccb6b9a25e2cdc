// A plain training loop for the studies: mini-batches of a data set, a loss, an optimizer step.
import * as ax from "@axon/axon";

/** What the loop needs of an optimizer (every `ax.optim` optimizer has it). */
export interface Stepper {
  step(params: unknown, grads: unknown): void;
}

export interface TrainLoopOptions {
  readonly model: ax.nn.Module;
  readonly optimizer: Stepper;
  readonly train: ax.data.Dataset;
  readonly batchSize: number;
  /** Optimizer steps to take (epochs follow one another, reshuffled). */
  readonly steps: number;
  /** Seeds the order of the examples. */
  readonly seed: number;
  /** The loss of a batch (default: softmax cross-entropy of the model's logits). */
  readonly loss?: (model: ax.nn.Module, x: ax.Tensor, y: ax.Tensor) => ax.Tensor;
  /** Called after each step (1-based) with the batch loss; returning `false` stops the loop. */
  readonly onStep?: (step: number, loss: number) => unknown;
}

export interface TrainLoopResult {
  /** The batch loss of every step taken. */
  readonly losses: number[];
  /** The loss became NaN or infinite (the loop stopped there). */
  readonly diverged: boolean;
}

const crossEntropy = (model: ax.nn.Module, x: ax.Tensor, y: ax.Tensor) =>
  ax.softmaxCrossEntropy(model.call(x), y);

/** Trains `model` for `steps` mini-batch steps; stops early when the loss stops being finite. */
export function trainLoop(o: TrainLoopOptions): TrainLoopResult {
  const loader = new ax.data.DataLoader(o.train, {
    batchSize: o.batchSize,
    seed: o.seed,
    dropRemainder: true,
  });
  if (loader.numBatches === 0)
    throw new Error(
      `trainLoop: batchSize ${o.batchSize} is larger than the ${loader.numExamples} training examples`,
    );
  const lossOf = o.loss ?? crossEntropy;
  const params = o.model.parameters();
  const losses: number[] = [];
  for (let epoch = 0; losses.length < o.steps; epoch++) {
    for (const batch of loader.hostBatches(epoch)) {
      const loss = ax.tidy(() => {
        const x = ax.tensor(batch.x, batch.shape);
        const y = ax.tensor(batch.y, batch.labelShape, batch.y instanceof Int32Array ? "int32" : "float32");
        const [value, grads] = ax.valueAndGrad(() => lossOf(o.model, x, y), params)();
        const v = value.dataSync()[0];
        if (Number.isFinite(v)) o.optimizer.step(params, grads);
        return v;
      });
      losses.push(loss);
      if (!Number.isFinite(loss)) return { losses, diverged: true };
      if (o.onStep?.(losses.length, loss) === false || losses.length >= o.steps)
        return { losses, diverged: false };
    }
  }
  return { losses, diverged: false };
}

/** The mean loss and accuracy of a classifier over a data set, in batches (evaluation mode for the call). */
export function evaluateClassifier(
  model: ax.nn.Module,
  ds: ax.data.Dataset,
  batchSize = 500,
): { loss: number; accuracy: number } {
  const wasTraining = model.training;
  model.eval();
  let loss = 0;
  let correct = 0;
  const n = ds.shape[0];
  const features = ds.x.length / n;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    ax.tidy(() => {
      const x = ax.tensor(ds.x.subarray(start * features, end * features), [
        end - start,
        ...ds.shape.slice(1),
      ]);
      const y = ax.tensor((ds.y as Int32Array).subarray(start, end), [end - start], "int32");
      const logits = model.call(x);
      loss += ax.softmaxCrossEntropy(logits, y, { reduction: "sum" }).dataSync()[0];
      correct += ax.sum(ax.cast(ax.equal(ax.argmax(logits, -1), y), "float32")).dataSync()[0];
    });
  }
  model.train(wasTraining);
  return { loss: loss / n, accuracy: correct / n };
}

/** The mean of each window of `window` consecutive values (a smoothed loss curve; shorter at the start). */
export function runningMean(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  values.forEach((v, i) => {
    sum += v;
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  });
  return out;
}
