import { registerCpuBackend } from "@axon/backend-cpu";

export * from "@axon/core";
export * from "@axon/autograd";
export * as nn from "@axon/nn";
export * as optim from "@axon/optim";
export * as data from "@axon/data";
export * as tune from "@axon/tune";
// Losses are used often enough to sit at top level too (API.md: `ax.softmaxCrossEntropy(...)`).
export {
  binaryCrossEntropy,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  softmaxCrossEntropy,
} from "@axon/nn";

// The CPU backend is always there; others (WebGL) are registered by their own packages.
registerCpuBackend(2);
