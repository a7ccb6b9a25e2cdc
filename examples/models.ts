// The demo's two models, shared by `pnpm demo` (examples/train.ts) and the browser demo (examples/web).
import * as nn from "@axon/nn";

const he = () => nn.init.heNormal();

/** 784 → 256 → 128 → 10: He initialization, batch norm (whose beta is the bias), ReLU, dropout. */
export function demoMlp(dropout: number): nn.Sequential {
  return new nn.Sequential([
    new nn.Dense(784, 256, { kernelInitializer: he(), useBias: false }),
    new nn.BatchNorm(256),
    new nn.ReLU(),
    new nn.Dropout(dropout),
    new nn.Dense(256, 128, { kernelInitializer: he(), useBias: false }),
    new nn.BatchNorm(128),
    new nn.ReLU(),
    new nn.Dropout(dropout),
    new nn.Dense(128, 10),
  ]);
}

/** Two conv 3×3 + per-channel batch norm + ReLU + max-pool blocks and a dense head, for 28×28×1 images. */
export function demoCnn(dropout: number): nn.Sequential {
  return new nn.Sequential([
    new nn.Conv2d(1, 16, 3, { padding: "same", useBias: false, kernelInitializer: he() }),
    new nn.BatchNorm(16), // per channel, over N, H and W
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: "same", useBias: false, kernelInitializer: he() }),
    new nn.BatchNorm(32),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Dense(7 * 7 * 32, 128, { kernelInitializer: he() }),
    new nn.ReLU(),
    new nn.Dropout(dropout),
    new nn.Dense(128, 10),
  ]);
}
