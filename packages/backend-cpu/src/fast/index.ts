import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from "./conv.ts";
import {
  abs,
  add,
  ceil,
  div,
  erf,
  exp,
  floor,
  log,
  maximum,
  minimum,
  mul,
  neg,
  reciprocal,
  round,
  rsqrt,
  sigmoid,
  sqrt,
  sub,
  tanh,
} from "./elementwise.ts";
import { cast } from "./cast.ts";
import {
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  logicalAnd,
  logicalNot,
  logicalOr,
  notEqual,
} from "./compare.ts";
import { matmul } from "./matmul.ts";
import { broadcastTo, transpose } from "./movement.ts";
import { avgPool, avgPoolBackward, maxPool, maxPoolBackward } from "./pool.ts";
import { randomUniform } from "./random.ts";
import { max, min, sum } from "./reduce.ts";
import type { FastKernelTable } from "./types.ts";
import { where } from "./where.ts";

/**
 * The primitives with a WebAssembly kernel; the rest (and the cases these decline) run in JavaScript.
 *
 * | primitives | dtypes | kernel |
 * | --- | --- | --- |
 * | matmul, conv2d, conv2dBackpropInput, conv2dBackpropFilter | float32 | GEMM (`wasm/gemm.ts`), im2col/col2im |
 * | neg, abs | float32, float64, int32 | elementwise grid (`wasm/elementwise.ts`) |
 * | sqrt, rsqrt, reciprocal, floor, ceil, round | float32, float64 | elementwise grid |
 * | exp, log, tanh, sigmoid, erf | float32 (float64 declines) | elementwise grid, `wasm/vecmath.ts` |
 * | add, sub, mul, maximum, minimum | float32, float64, int32 | elementwise grid, any broadcasting |
 * | div | float32, float64 | elementwise grid, any broadcasting |
 * | equal … greaterEqual, logicalAnd/Or/Not, where, cast | every dtype | elementwise grid, any broadcasting |
 * | broadcastTo, transpose | every dtype | elementwise grid (row copies), tiled transpose (`wasm/transpose.ts`) |
 * | sum, max, min | float32, axes collapsing to rows or columns | `wasm/reduce.ts` |
 * | maxPool | float32, float64, int32 | `wasm/pooling.ts` |
 * | avgPool, maxPoolBackward, avgPoolBackward | float32, float64 | `wasm/pooling.ts` |
 * | randomUniform | float32, float64 | Philox-4x32-10 on four counters a vector (`wasm/philox.ts`) |
 */
export const FAST_KERNELS: FastKernelTable = {
  matmul,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  neg,
  abs,
  sqrt,
  rsqrt,
  reciprocal,
  floor,
  ceil,
  round,
  exp,
  log,
  tanh,
  sigmoid,
  erf,
  add,
  sub,
  mul,
  div,
  maximum,
  minimum,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
  logicalAnd,
  logicalOr,
  logicalNot,
  where,
  cast,
  sum,
  max,
  min,
  transpose,
  broadcastTo,
  maxPool,
  maxPoolBackward,
  avgPool,
  avgPoolBackward,
  randomUniform,
};
