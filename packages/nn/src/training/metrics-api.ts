// The metrics namespace: `nn.metrics.accuracy()`, `nn.metrics.topKAccuracy(5)`, ….
export {
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKAccuracy,
  meanSquaredError,
  meanAbsoluteError,
  resolve,
  type Metric,
  type MetricName,
  type BinaryAccuracyOptions,
} from "./metrics.ts";
