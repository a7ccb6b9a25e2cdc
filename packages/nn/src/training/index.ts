// Training: fit / evaluate / predict, metrics, callbacks, progress, history and the report. All of
// it runs in a browser too; checkpoints (files) are in "@axon/nn/checkpoint".
export {
  fit,
  evaluate,
  predict,
  epochRandomState,
  type FitOptions,
  type EvaluateOptions,
  type PredictOptions,
  type LossFunction,
  type LossName,
} from "./fit.ts";
export {
  type HostData,
  type TensorData,
  type BatchSource,
  type SourceBatch,
  type TrainingData,
  epochOrder,
} from "./data.ts";
export type { Metric, MetricName, BinaryAccuracyOptions } from "./metrics.ts";
export * as metrics from "./metrics-api.ts";
export {
  type Callback,
  type TrainingContext,
  type BatchLogs,
  type OptimizerLike,
  EarlyStopping,
  type EarlyStoppingOptions,
  LearningRateScheduler,
  GradientNormMonitor,
  type GradientNormMonitorOptions,
} from "./callbacks.ts";
export { History, type EpochLogs, type GradientNormLog, type HistoryState } from "./history.ts";
export {
  ProgressReporter,
  type ProgressOutput,
  type ProgressOptions,
  type Verbosity,
  formatDuration,
} from "./progress.ts";
export { trainingReport, type TrainingReportOptions } from "./report.ts";
export * from "./health/index.ts";
