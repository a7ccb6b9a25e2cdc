// Trains a classifier end to end: data, standardization, a model, Adam, progress, early stopping,
// a learning-rate schedule, a health monitor (gradient norms, dead units per layer), checkpoints,
// test accuracy and reports.
//
//   pnpm demo                                   # MLP on the MNIST digits that come with Axon
//   pnpm demo --dataset fashion-mnist           # 60,000 clothes images (apt-get install dataset-fashion-mnist)
//   pnpm demo --model cnn                       # two conv + batch-norm + pooling blocks
//   pnpm demo --resume                          # continue from runs/<dataset>-<model>/checkpoint.axon
//   pnpm demo --help
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ax from "@axon/axon";
import { ModelCheckpoint, load, save, writeReport } from "@axon/nn/checkpoint";
import { demoCnn, demoMlp } from "./models.ts";

const { nn, optim, data } = ax;

const HELP = `Train an MLP or a CNN on MNIST digits or Fashion-MNIST.

  --dataset mnist | fashion-mnist   mnist: the 10,000 digits installed with Axon, 20 % held out for the test
                                    fashion-mnist: 60,000 + 10,000 images (apt-get install dataset-fashion-mnist)
  --data-dir DIR                    where the Fashion-MNIST IDX files are (default: Debian's location)
  --model mlp | cnn                 mlp: 784-256-128-10 with batch norm, ReLU and dropout (default)
                                    cnn: two conv 3x3 + batch norm + ReLU + max-pool blocks, a dense head
  --epochs N                        default: 20 (mnist mlp), 6 (mnist cnn), 5 (fashion-mnist)
  --batch-size N                    default: 64 (mnist), 128 (fashion-mnist)
  --optimizer adam | adamw | sgd | momentum | rmsprop   default adam
  --lr X                            initial learning rate
  --schedule cosine | constant      cosine: decay per epoch down to 5 % of --lr (default); constant: --lr throughout
  --dropout X                       dropout rate of the hidden layers (default 0.3 for mnist, 0.1 for fashion-mnist)
  --standardize global | feature    one mean and variance for every pixel (default for mnist), or one
                                    per pixel with σ floored at 0.1 (default for fashion-mnist)
  --validation-fraction X           part of the training set held out for validation (default 0.1 for mnist, 0.05 for fashion-mnist)
  --seed N                          initialization, data order and dropout (default 0)
  --out DIR                         checkpoint and report (default runs/<dataset>-<model>)
  --resume                          continue from DIR/checkpoint.axon
  --patience N                      early stopping on validation loss (default 5)
  --quiet                           no progress output
`;

const { values: args } = parseArgs({
  options: {
    dataset: { type: "string", default: "mnist" },
    "data-dir": { type: "string" },
    model: { type: "string", default: "mlp" },
    epochs: { type: "string" },
    "batch-size": { type: "string" },
    optimizer: { type: "string", default: "adam" },
    lr: { type: "string" },
    schedule: { type: "string", default: "cosine" },
    dropout: { type: "string" },
    standardize: { type: "string" },
    "validation-fraction": { type: "string" },
    seed: { type: "string", default: "0" },
    out: { type: "string" },
    resume: { type: "boolean", default: false },
    patience: { type: "string", default: "5" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (args.help) {
  console.log(HELP);
  process.exit(0);
}

function fail(message: string): never {
  console.error(`train: ${message}\n\n${HELP}`);
  process.exit(2);
}

function integer(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) fail(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return v;
}

const dataset = args.dataset!;
const modelKind = args.model!;
if (dataset !== "mnist" && dataset !== "fashion-mnist") fail(`unknown --dataset ${dataset}`);
if (modelKind !== "mlp" && modelKind !== "cnn") fail(`unknown --model ${modelKind}`);
const fashion = dataset === "fashion-mnist";
const epochs = integer("epochs", args.epochs, fashion ? 5 : modelKind === "cnn" ? 6 : 20);
const batchSize = integer("batch-size", args["batch-size"], fashion ? 128 : 64);
const seed = integer("seed", args.seed, 0, 0);
const patience = integer("patience", args.patience, 5, 0);
const optimizerName = args.optimizer!;
const defaultLr: Record<string, number> = {
  adam: fashion ? 1e-3 : 2e-3,
  adamw: 2e-3,
  sgd: 0.05,
  momentum: 0.01,
  rmsprop: 1e-3,
};
if (!(optimizerName in defaultLr)) fail(`unknown --optimizer ${optimizerName}`);
const lr = args.lr === undefined ? defaultLr[optimizerName] : Number(args.lr);
if (!(lr > 0)) fail(`--lr must be a positive number, got ${args.lr}`);
const dropout = args.dropout === undefined ? (fashion ? 0.1 : 0.3) : Number(args.dropout);
if (!(dropout >= 0 && dropout < 1)) fail(`--dropout must be in [0, 1), got ${args.dropout}`);
// Per-pixel statistics measured better on Fashion-MNIST, global ones on the digits (bench/RESULTS.md).
const standardize = args.standardize ?? (fashion ? "feature" : "global");
if (standardize !== "global" && standardize !== "feature") fail(`unknown --standardize ${standardize}`);
const standardizeMode: ax.data.StandardizerMode = standardize;
const validationFraction = Number(args["validation-fraction"] ?? (fashion ? 0.05 : 0.1));
if (!(validationFraction > 0 && validationFraction < 1))
  fail(`--validation-fraction must be in (0, 1), got ${args["validation-fraction"]}`);
const scheduleName = args.schedule!;
if (scheduleName !== "cosine" && scheduleName !== "constant") fail(`unknown --schedule ${scheduleName}`);
const out = args.out ?? join("runs", `${dataset}-${modelKind}`);
const checkpointPath = join(out, "checkpoint.axon");
const started = performance.now();

await ax.setBackend("cpu");

// ---------------------------------------------------------------- data

const featureShape = modelKind === "cnn" ? [28, 28, 1] : [784];

/** The raw training, validation and test parts (the full training set is not kept: memory). */
function loadParts(): Record<"train" | "validation" | "test", ax.data.Dataset> {
  let trainAll: ax.data.Dataset;
  let test: ax.data.Dataset;
  if (fashion) {
    try {
      ({ train: trainAll, test } = data.fashionMnist({ dir: args["data-dir"], featureShape }));
    } catch (e) {
      fail((e as Error).message);
    }
  } else {
    const digits = data.mnist({ featureShape });
    ({ train: trainAll, test } = data.trainTestSplit(digits, { testFraction: 0.2, seed, stratify: true }));
  }
  const { train, validation } = data.trainValidationSplit(trainAll, {
    validationFraction,
    seed: seed + 1,
    stratify: true,
  });
  return { train, validation, test };
}

/**
 * The three sets standardized with the statistics of the training part only (or with a saved
 * standardizer when resuming). Each raw part is dropped once its standardized copy exists, so that
 * at most one extra copy of the data is alive at a time.
 */
function prepareData(saved?: ax.data.StandardizerState) {
  const parts: Partial<ReturnType<typeof loadParts>> = loadParts();
  const standardizer = saved
    ? data.Standardizer.fromJSON(saved)
    : // Pixels lie in [0, 1] with σ ≈ 0.3 overall; the floor keeps rarely inked pixels on that scale.
      new data.Standardizer({ mode: standardizeMode, minStd: 0.1 }).fit(parts.train!);
  const take = (name: keyof typeof parts) => {
    const standardized = standardizer.transform(parts[name]!);
    delete parts[name];
    return standardized;
  };
  return { standardizer, trainSet: take("train"), validationSet: take("validation"), testSet: take("test") };
}

// ---------------------------------------------------------------- model

ax.setSeed(seed); // initialization and dropout draw from the global stream
const model = modelKind === "mlp" ? demoMlp(dropout) : demoCnn(dropout);

// A learning rate per epoch: by default a cosine from lr down to 5 % of it over the run.
const scheduler = new nn.LearningRateScheduler(
  scheduleName === "constant"
    ? optim.constant(lr)
    : optim.cosineDecay({ initial: lr, decaySteps: Math.max(1, epochs - 1), alpha: 0.05 }),
);
const optimizer =
  optimizerName === "adam"
    ? new optim.Adam({ lr: scheduler.lr })
    : optimizerName === "adamw"
      ? new optim.AdamW({ lr: scheduler.lr, weightDecay: 1e-4 })
      : optimizerName === "sgd"
        ? new optim.SGD({ lr: scheduler.lr })
        : optimizerName === "momentum"
          ? new optim.Momentum({ lr: scheduler.lr, beta: 0.9, nesterov: true })
          : new optim.RMSProp({ lr: scheduler.lr });

// Resuming: the weights, batch-norm statistics, optimizer state, random stream, standardizer and
// history of the last completed epoch.
let initialEpoch = 0;
let history: ax.nn.History | undefined;
let savedStandardizer: ax.data.StandardizerState | undefined;
if (args.resume) {
  if (!existsSync(checkpointPath)) fail(`--resume: there is no ${checkpointPath} yet`);
  const resumed = load(model, checkpointPath, { optimizer });
  savedStandardizer = resumed.standardizer as ax.data.StandardizerState;
  initialEpoch = resumed.epoch;
  history = resumed.history ?? undefined;
  console.log(`Resuming from ${checkpointPath} after epoch ${initialEpoch} (step ${resumed.step})`);
}

const { standardizer, trainSet, validationSet, testSet } = prepareData(savedStandardizer);

const title = `${fashion ? "Fashion-MNIST" : "MNIST digits"}, ${modelKind.toUpperCase()}`;
const summary = model.summary([1, ...featureShape]);
if (!args.quiet) {
  console.log(
    `${title}: ${trainSet.shape[0]} training, ${validationSet.shape[0]} validation, ${testSet.shape[0]} test examples`,
  );
  console.log(summary);
  console.log(
    `${optimizer.name}, lr ${lr} (${scheduleName === "cosine" ? "cosine decay per epoch" : "constant"}), batch ${batchSize}, seed ${seed}; checkpoint ${checkpointPath}\n`,
  );
}

// ---------------------------------------------------------------- training

const early = new nn.EarlyStopping({ monitor: "val_loss", patience, restoreBestWeights: true });
const health = new nn.HealthMonitor({ every: 10 });
const trained = await nn.fit(model, {
  data: trainSet,
  validation: validationSet,
  validationBatchSize: 500,
  loss: "softmaxCrossEntropy",
  optimizer,
  epochs,
  initialEpoch,
  batchSize,
  seed,
  metrics: ["accuracy"],
  callbacks: [
    scheduler,
    early,
    // Every 10th step: activations, dead and saturated units, gradient norms, update/weight ratios.
    health,
    // The full training state after every epoch: `--resume` continues exactly from it.
    new ModelCheckpoint(checkpointPath, { standardizer }),
  ],
  verbose: args.quiet ? 0 : 1,
  history,
});

// ---------------------------------------------------------------- test and report

const result = nn.evaluate(model, testSet, {
  loss: "softmaxCrossEntropy",
  metrics: ["accuracy", "top3Accuracy"],
  batchSize: 500,
});
const seconds = (performance.now() - started) / 1000;
const perEpoch = trained.epochs.filter((e) => e.epoch >= initialEpoch).map((e) => e.seconds);
const meanEpoch = perEpoch.reduce((a, b) => a + b, 0) / Math.max(1, perEpoch.length);
save(model, null, join(out, "model.axon"), {
  epoch: trained.epochs.length,
  standardizer,
  metadata: { dataset, model: modelKind },
});
writeFileSync(join(out, "health.jsonl"), health.toJsonLines(true));
writeFileSync(
  join(out, "health.html"),
  nn.healthReport(health.records, { warnings: health.warnings, title: `${title}: training health` }),
);
const reportPath = join(out, "report.html");
writeReport(reportPath, trained, {
  title: `${title}: test accuracy ${(result.accuracy * 100).toFixed(2)} %`,
  details: {
    "data set": `${dataset}: ${trainSet.shape[0]} training, ${validationSet.shape[0]} validation, ${testSet.shape[0]} test examples`,
    model: `${modelKind}, ${model
      .parameters()
      .reduce((n, p) => n + p.value.size, 0)
      .toLocaleString("en-US")} parameters`,
    optimizer: `${optimizer.name}, lr ${lr} (${scheduleName === "cosine" ? "cosine decay per epoch" : "constant"}), batch ${batchSize}, seed ${seed}`,
    "test loss": result.loss.toFixed(4),
    "test accuracy": result.accuracy.toFixed(4),
    "test top-3 accuracy": result.top3Accuracy.toFixed(4),
    "best epoch":
      early.bestEpoch >= 0
        ? `${early.bestEpoch + 1} (val_loss ${early.best.toFixed(4)}; its weights were kept)`
        : "-",
    time: `${seconds.toFixed(1)} s in all, ${meanEpoch.toFixed(2)} s per epoch`,
    "peak memory": `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (process RSS)`,
    machine: `Node ${process.version}, ${process.platform}/${process.arch}`,
  },
  summary,
  markEpoch: early.bestEpoch >= 0 ? { epoch: early.bestEpoch, label: "weights kept" } : undefined,
});

console.log(
  `\nTest accuracy ${result.accuracy.toFixed(4)} (top-3 ${result.top3Accuracy.toFixed(4)}, loss ${result.loss.toFixed(4)}) on ${testSet.shape[0]} held-out examples`,
);
console.log(
  `${seconds.toFixed(1)} s in all, ${meanEpoch.toFixed(2)} s per epoch, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
console.log(
  `Report: ${reportPath} (training health: ${join(out, "health.html")})\nCheckpoint: ${checkpointPath} (resume with --resume); final model: ${join(out, "model.axon")}`,
);
