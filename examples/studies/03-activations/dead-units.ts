// ReLU units killed by a too-large SGD step stay dead; leaky units keep a gradient.
import * as ax from "@axon/axon";
import { rows } from "../lib/data.ts";

const { nn, optim } = ax;

export interface DeadUnitsOptions {
  readonly train: ax.data.Dataset;
  readonly hidden: number;
  /** The negative slope: 0 is ReLU. */
  readonly alpha: number;
  /** Steps at the too-large rate, then `steps − bigSteps` at the ordinary rate. */
  readonly bigSteps: number;
  readonly steps: number;
  readonly bigRate: number;
  readonly rate: number;
  /** Every update's gradient is clipped to this global norm, so the large rate moves weights a lot without overflowing. */
  readonly clipNorm: number;
  readonly batchSize: number;
  /** The dead fraction is measured every `every` steps. */
  readonly every: number;
  readonly seed: number;
}

export interface DeadUnitsRun {
  readonly alpha: number;
  /** Steps at which the dead fraction was measured, and the fraction then. */
  readonly steps: number[];
  readonly deadFraction: number[];
  /** Units inactive on every training example when the rate drops, and how many of them are active at the end. */
  readonly deadAtSwitch: number;
  readonly recovered: number;
  readonly deadAtEnd: number;
  /** The RMS gradient of the incoming weights of the units inactive at the end (exactly 0 for ReLU). */
  readonly deadUnitGradient: number;
  readonly finalLoss: number;
}

/** Which hidden units output a non-positive pre-activation on every row of `x` (1 = dead). */
function deadMask(layer: ax.nn.Dense, x: ax.Tensor): Uint8Array {
  return ax.tidy(() => ax.max(layer.call(x), 0).lessEqual(0).dataSync() as Uint8Array);
}

/**
 * Trains 784 → hidden → 10 with plain SGD: `bigSteps` updates at `bigRate`, then the ordinary `rate`,
 * recording the fraction of hidden units whose pre-activation is ≤ 0 on every training example.
 * For ReLU such a unit gets exactly zero gradient; for leaky ReLU it gets `alpha` times the gradient.
 */
export function deadUnitsRun(o: DeadUnitsOptions): DeadUnitsRun {
  const n = o.train.shape[0];
  const all = rows(o.train, 0, n);
  const first = new nn.Dense(784, o.hidden, {
    kernelInitializer: nn.init.heNormal({ seed: o.seed * 100 + 1 }),
  });
  const output = new nn.Dense(o.hidden, 10, {
    kernelInitializer: nn.init.glorotNormal({ seed: o.seed * 100 + 2 }),
  });
  const activation = o.alpha === 0 ? new nn.ReLU() : new nn.LeakyReLU(o.alpha);
  const model = new nn.Sequential([first, activation, output]);
  const optimizer = new optim.SGD({ lr: (step) => (step < o.bigSteps ? o.bigRate : o.rate) });
  const lossOf = (x: ax.Tensor, y: ax.Tensor) => () => ax.softmaxCrossEntropy(model.call(x), y);
  const steps: number[] = [];
  const deadFraction: number[] = [];
  const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);
  let atSwitch: Uint8Array = new Uint8Array(o.hidden);
  const batchesPerEpoch = Math.floor(n / o.batchSize);
  for (let step = 0; step <= o.steps; step++) {
    if (step % o.every === 0 || step === o.bigSteps) {
      const mask = deadMask(first, all.x);
      if (step === o.bigSteps) atSwitch = mask;
      steps.push(step);
      deadFraction.push(count(mask) / o.hidden);
    }
    if (step === o.steps) break;
    const { x, y } = rows(o.train, (step % batchesPerEpoch) * o.batchSize, o.batchSize);
    ax.tidy(() => {
      const [, grads] = ax.valueAndGrad(lossOf(x, y), model.parameters())();
      optimizer.step(model.parameters(), optim.clipByGlobalNorm(grads, o.clipNorm).grads);
    });
    x.dispose();
    y.dispose();
  }
  const end = deadMask(first, all.x);
  const recovered = atSwitch.reduce((s, dead, i) => s + (dead && !end[i] ? 1 : 0), 0);
  // The gradient of the full-data loss reaching the incoming weights of the units still inactive.
  const { deadUnitGradient, finalLoss } = ax.tidy(() => {
    const [loss, grads] = ax.valueAndGrad(lossOf(all.x, all.y), [first.kernel])();
    const g = grads[0].dataSync() as Float32Array;
    let sum = 0;
    let entries = 0;
    for (let i = 0; i < g.length; i++)
      if (end[i % o.hidden]) {
        sum += g[i] * g[i];
        entries++;
      }
    return {
      deadUnitGradient: entries ? Math.sqrt(sum / entries) : Number.NaN,
      finalLoss: loss.dataSync()[0],
    };
  });
  all.x.dispose();
  all.y.dispose();
  return {
    alpha: o.alpha,
    steps,
    deadFraction,
    deadAtSwitch: count(atSwitch),
    recovered,
    deadAtEnd: count(end),
    deadUnitGradient,
    finalLoss,
  };
}
