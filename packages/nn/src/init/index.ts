// Weight initializers, used as `nn.init.heNormal()`.
export { computeFans } from "./fans.ts";
export type { Initializer } from "./initializer.ts";
export { zeros, ones, constant, randomNormal, randomUniform, truncatedNormal } from "./basic.ts";
export {
  varianceScaling,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  xavierNormal,
  xavierUniform,
  TRUNCATED_NORMAL_STDDEV,
  type FanMode,
  type ScalingDistribution,
  type VarianceScalingOptions,
} from "./variance-scaling.ts";
export { orthogonal } from "./orthogonal.ts";
