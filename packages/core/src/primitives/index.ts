import { argReduceDef, reduceDef } from "./reduce.ts";
import { binaryDef, cast, compareDef, logicalDef, unaryDef, where } from "./elementwise.ts";
import { broadcastTo, concat, gather, pad, reshape, scatterAdd, slice, transpose } from "./movement.ts";
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from "./conv.ts";
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from "./pool.ts";
import { matmul } from "./linalg.ts";
import { randomUniform } from "./random.ts";
import type { PrimTable } from "./types.ts";

export * from "./types.ts";
export { windowOutSize, conv2dOutShape } from "./conv.ts";
export { poolOutShape } from "./pool.ts";

/** The closed set of primitives with their shape/dtype inference. The type refuses a missing entry. */
export const PRIMITIVES: PrimTable = {
  neg: unaryDef("neg"),
  abs: unaryDef("abs"),
  sign: unaryDef("sign"),
  exp: unaryDef("exp"),
  log: unaryDef("log"),
  log1p: unaryDef("log1p"),
  expm1: unaryDef("expm1"),
  sqrt: unaryDef("sqrt"),
  rsqrt: unaryDef("rsqrt"),
  reciprocal: unaryDef("reciprocal"),
  sin: unaryDef("sin"),
  cos: unaryDef("cos"),
  tanh: unaryDef("tanh"),
  sigmoid: unaryDef("sigmoid"),
  erf: unaryDef("erf"),
  floor: unaryDef("floor"),
  ceil: unaryDef("ceil"),
  round: unaryDef("round"),
  logicalNot: unaryDef("logicalNot"),
  add: binaryDef("add"),
  sub: binaryDef("sub"),
  mul: binaryDef("mul"),
  div: binaryDef("div"),
  pow: binaryDef("pow"),
  maximum: binaryDef("maximum"),
  minimum: binaryDef("minimum"),
  mod: binaryDef("mod"),
  equal: compareDef("equal"),
  notEqual: compareDef("notEqual"),
  less: compareDef("less"),
  lessEqual: compareDef("lessEqual"),
  greater: compareDef("greater"),
  greaterEqual: compareDef("greaterEqual"),
  logicalAnd: logicalDef("logicalAnd"),
  logicalOr: logicalDef("logicalOr"),
  where,
  cast,
  sum: reduceDef("sum"),
  max: reduceDef("max"),
  min: reduceDef("min"),
  argmax: argReduceDef("argmax"),
  argmin: argReduceDef("argmin"),
  reshape,
  transpose,
  broadcastTo,
  slice,
  pad,
  concat,
  gather,
  scatterAdd,
  matmul,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  maxPool,
  maxPoolBackward,
  avgPool,
  avgPoolBackward,
  randomUniform,
};

export const PRIM_NAMES = Object.keys(PRIMITIVES) as (keyof PrimTable)[];
