// The objective of `pnpm tune`: a short training run of the demo MLP on the embedded MNIST digits,
// returning the validation loss and accuracy. It sits in its own module so that trials can run on
// worker threads (a function cannot cross threads; a module path can).
import * as ax from "@axon/axon";
import { setNumThreads } from "@axon/backend-cpu";

const { nn, optim, data } = ax;

export interface DemoConfig {
  lr: number;
  beta1: number;
  hidden: number;
  batchSize: number;
}

// One thread per trial: the search already runs one trial per core.
setNumThreads(1);

let prepared: { train: ax.data.Dataset; validation: ax.data.Dataset } | undefined;

/** The digits, split and standardized with the training part's statistics, once per thread. */
function dataSets() {
  if (!prepared) {
    const digits = data.mnist({ featureShape: [784] });
    const { train: trainAll } = data.trainTestSplit(digits, { testFraction: 0.2, seed: 0, stratify: true });
    const { train, validation } = data.trainValidationSplit(trainAll, {
      validationFraction: 0.2,
      seed: 1,
      stratify: true,
    });
    const standardizer = new data.Standardizer({ mode: "global" }).fit(train);
    prepared = { train: standardizer.transform(train), validation: standardizer.transform(validation) };
  }
  return prepared;
}

export async function objective(config: DemoConfig, context: { budget: number; seed: number }) {
  const { train, validation } = dataSets();
  ax.setSeed(context.seed);
  const he = () => nn.init.heNormal();
  const model = new nn.Sequential([
    new nn.Dense(784, config.hidden, { kernelInitializer: he(), useBias: false }),
    new nn.BatchNorm(config.hidden),
    new nn.ReLU(),
    new nn.Dense(config.hidden, 10),
  ]);
  const optimizer = new optim.Adam({ lr: config.lr, beta1: config.beta1 });
  await nn.fit(model, {
    data: train,
    loss: "softmaxCrossEntropy",
    optimizer,
    epochs: context.budget,
    batchSize: config.batchSize,
    seed: context.seed,
    verbose: 0,
  });
  const result = nn.evaluate(model, validation, {
    loss: "softmaxCrossEntropy",
    metrics: ["accuracy"],
    batchSize: 500,
  });
  return { loss: result.loss, accuracy: result.accuracy };
}
