import {
  type Tensor,
  abs,
  cast,
  concat,
  greaterEqual,
  lessEqual,
  max,
  reshape,
  square,
  stack,
  sub,
  sum,
} from "@axon/core";
import { BOUNDS, type LayerKind } from "./layers.ts";

// The statistics are sums computed on the device and packed into one float32 vector per monitored
// step, so that a step costs one read-back whatever the number of layers; the host divides them.
// Each sum keeps its axes (size 1), so that packing needs one concat per rank, not an op per number.

const asFloat32 = (t: Tensor) => (t.dtype === "float32" ? t : cast(t, "float32"));

/** The sum of every element, with the axes kept (size 1). */
const total = (t: Tensor) => sum(t, undefined, true);

/** How many numbers `activationStatistics` gives for a kind. */
export const activationWidth = (kind: LayerKind) => (kind === "other" ? 2 : 3);

/**
 * Sums over `y`: of its elements, of their squares, then for a rectifier the number of dead units
 * (a unit is an index of the last axis — a feature, or a channel of an NHWC map — and is dead when
 * its output is ≤ 0 for every example and position), for sigmoid/tanh the number of outputs within
 * `margin` of a bound. Divided by `activationCounts` they are the mean, the mean square and the
 * fraction.
 */
export function activationStatistics(y: Tensor, kind: LayerKind, margin: number): Tensor[] {
  const x = asFloat32(y);
  const parts = [total(x), total(square(x))];
  if (kind === "rectifier") {
    const batchAxes = Array.from({ length: x.rank - 1 }, (_, i) => i);
    const peak = batchAxes.length === 0 ? x : max(x, batchAxes);
    parts.push(total(cast(lessEqual(peak, 0), "float32")));
  } else if (kind === "sigmoid" || kind === "tanh") {
    const [lo, hi] = BOUNDS[kind];
    const off = abs(sub(x, (lo + hi) / 2));
    parts.push(total(cast(greaterEqual(off, (hi - lo) / 2 - margin), "float32")));
  }
  return parts;
}

/** What the sums of `activationStatistics` are divided by: elements, elements, and units or elements. */
export function activationCounts(y: Tensor, kind: LayerKind): number[] {
  const units = y.rank <= 1 ? y.size : y.shape[y.rank - 1];
  return kind === "other" ? [y.size, y.size] : [y.size, y.size, kind === "rectifier" ? units : y.size];
}

/** The standard deviation from a mean and a mean square (float32 sums: precise while |mean| / std ≲ 100). */
export const stdFrom = (mean: number, meanSquare: number) => Math.sqrt(Math.max(0, meanSquare - mean * mean));

/** ‖t‖₂² as a float32 sum (the square root is taken on the host). */
export const squaredNorm = (t: Tensor): Tensor => total(square(asFloat32(t)));

/**
 * The statistics in one vector: one concat per rank, then one across ranks. `order[i]` is where
 * `parts[i]` (a single number of any rank) lands.
 */
export function pack(parts: readonly Tensor[]): { vector: Tensor; order: number[] } {
  const byRank = new Map<number, number[]>();
  parts.forEach((p, i) => {
    const list = byRank.get(p.rank);
    if (list) list.push(i);
    else byRank.set(p.rank, [i]);
  });
  const order = new Array<number>(parts.length);
  const pieces: Tensor[] = [];
  let offset = 0;
  for (const [rank, members] of byRank) {
    const group = members.map((i) => parts[i]);
    const joined = rank === 0 ? stack(group) : group.length === 1 ? group[0] : concat(group, 0);
    pieces.push(joined.rank === 1 ? joined : reshape(joined, [-1]));
    members.forEach((i, j) => {
      order[i] = offset + j;
    });
    offset += members.length;
  }
  return { vector: pieces.length === 1 ? pieces[0] : concat(pieces, 0), order };
}
