import type { KernelTable, TypedArray } from "@axon/core";
import { argmax, argmin } from "./argReduce.ts";
import { avgPool } from "./avgPool.ts";
import { avgPoolBackward } from "./avgPoolBackward.ts";
import { add, div, maximum, minimum, mod, mul, pow, sub } from "./binary.ts";
import { broadcastTo } from "./broadcastTo.ts";
import { cast } from "./cast.ts";
import { equal, greater, greaterEqual, less, lessEqual, logicalAnd, logicalOr, notEqual } from "./compare.ts";
import { concat } from "./concat.ts";
import { conv2d } from "./conv2d.ts";
import { conv2dBackpropFilter } from "./conv2dBackpropFilter.ts";
import { conv2dBackpropInput } from "./conv2dBackpropInput.ts";
import { gather } from "./gather.ts";
import { matmul } from "./matmul.ts";
import { maxPool } from "./maxPool.ts";
import { maxPoolBackward } from "./maxPoolBackward.ts";
import { pad } from "./pad.ts";
import { randomUniform } from "./randomUniform.ts";
import { max, min, sum } from "./reduce.ts";
import { reshape } from "./reshape.ts";
import { scatterAdd } from "./scatterAdd.ts";
import { slice } from "./slice.ts";
import { transpose } from "./transpose.ts";
import {
  abs,
  ceil,
  cos,
  erf,
  exp,
  expm1,
  floor,
  log,
  log1p,
  logicalNot,
  neg,
  reciprocal,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  tanh,
} from "./unary.ts";
import { where } from "./where.ts";

/** One kernel per primitive; the KernelTable type makes a missing primitive a compile error. */
export const KERNELS: KernelTable<TypedArray> = {
  neg,
  abs,
  sign,
  exp,
  log,
  log1p,
  expm1,
  sqrt,
  rsqrt,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  erf,
  floor,
  ceil,
  round,
  logicalNot,
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  mod,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
  logicalAnd,
  logicalOr,
  where,
  cast,
  sum,
  max,
  min,
  argmax,
  argmin,
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
