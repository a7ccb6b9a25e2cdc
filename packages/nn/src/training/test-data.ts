import { randomNormal, setSeed } from "@axon/core";
import { heNormal } from "../init/variance-scaling.ts";
import { ReLU } from "../layers/activation-layers.ts";
import { BatchNorm } from "../layers/batch-norm.ts";
import { Dense } from "../layers/dense.ts";
import { Dropout } from "../layers/dropout.ts";
import { Sequential } from "../sequential.ts";
import type { HostData } from "./data.ts";

/** For the training tests: `n` examples of `features` features around one centre per class. */
export function blobs(n: number, features = 8, classes = 4, seed = 1, spread = 1.5): HostData {
  const noise = randomNormal([n, features], { seed });
  const centres = randomNormal([classes, features], { seed: seed + 1000 });
  const z = noise.dataSync() as Float32Array;
  const c = centres.dataSync() as Float32Array;
  noise.dispose();
  centres.dispose();
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % classes;
    for (let f = 0; f < features; f++)
      x[i * features + f] = spread * c[y[i] * features + f] + z[i * features + f];
  }
  return { x, y, shape: [n, features], labelShape: [n] };
}

/**
 * A small MLP with batch norm and dropout, built under `seed`. The dropout masks come from the
 * global stream, or from the layer's own key sequence with `dropoutSeed`.
 */
export function smallMlp(
  seed: number,
  features = 8,
  classes = 4,
  hidden = 16,
  dropoutSeed?: number,
): Sequential {
  setSeed(seed);
  return new Sequential([
    new Dense(features, hidden, { kernelInitializer: heNormal(), useBias: false }),
    new BatchNorm(hidden, { momentum: 0.9 }),
    new ReLU(),
    new Dropout(0.2, { seed: dropoutSeed }),
    new Dense(hidden, classes),
  ]);
}
