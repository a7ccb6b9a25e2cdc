// The health of training: per-layer statistics every few steps, warnings, JSON lines and a report.
export { HealthMonitor, healthMonitor, type HealthMonitorOptions } from "./monitor.ts";
export {
  type HealthRecord,
  type HealthWarning,
  type HealthWarningKind,
  type LayerHealth,
  type ParameterHealth,
  healthJsonLines,
  parseHealthJsonLines,
} from "./records.ts";
export { type LayerKind, layerKind } from "./layers.ts";
export { healthReport, type HealthReportOptions } from "./report.ts";
