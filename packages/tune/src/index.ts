export {
  Space,
  UniformSpace,
  LogUniformSpace,
  OneMinusLogUniformSpace,
  IntUniformSpace,
  LogIntUniformSpace,
  ChoiceSpace,
  uniform,
  logUniform,
  oneMinusLogUniform,
  intUniform,
  logIntUniform,
  choice,
  sampleConfigs,
  gridConfigs,
  trialSeed,
  type Config,
  type ConfigOf,
  type Scale,
  type SearchSpace,
  type Value,
} from "./spaces.ts";
export { randomSearch, type RandomSearchOptions } from "./random-search.ts";
export { gridSearch, gridAxes, type GridSearchOptions } from "./grid-search.ts";
export { halvingBudgets, promotedCount } from "./successive-halving.ts";
export { rankTrials } from "./search.ts";
export { readLog, LogWriter, canonicalJson, type LogRecord } from "./log.ts";
export {
  formatTable,
  renderSvg,
  formatNumber,
  formatValue,
  type TableOptions,
  type SvgOptions,
} from "./report.ts";
export { ObjectiveLoadError } from "./workers.ts";
export type {
  Evaluation,
  HalvingOptions,
  Metrics,
  Objective,
  ObjectiveFunction,
  ObjectiveModule,
  SearchOptions,
  SearchResult,
  TrialContext,
  TrialEvent,
  TrialResult,
  TrialStatus,
} from "./types.ts";
