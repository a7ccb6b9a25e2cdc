import { ShapeError, ValueError, fmtShape } from "./errors.ts";

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless every entry is a non-negative integer. */
export function checkShape(op: string, arg: string, shape: Shape): void {
  if (!Array.isArray(shape))
    throw new ShapeError(`${op}: ${arg} must be an array of dimensions, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: ${arg} must hold non-negative integers, got ${fmtShape(shape)}`);
    }
  }
}

/** NumPy broadcasting: align on the right; each pair of dimensions must be equal or one of them 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together`,
        );
      }
    }
  }
  return out;
}

/** Maps a possibly negative axis into [0, rank); throws a ShapeError naming the op otherwise. */
export function normalizeAxis(op: string, axis: number, rank: number, arg = "axis"): number {
  if (!Number.isInteger(axis)) throw new ValueError(`${op}: ${arg} must be an integer, got ${axis}`);
  if (axis < -rank || axis >= rank) {
    throw new ShapeError(
      `${op}: ${arg} ${axis} is out of range for a tensor of rank ${rank} (expected ${-rank}..${rank - 1})`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes an axis or list of axes (undefined = every axis), sorted, without repeats. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined | null,
  rank: number,
): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(op, a, rank));
  const unique = [...new Set(out)].sort((a, b) => a - b);
  if (unique.length !== out.length) throw new ShapeError(`${op}: axes [${list.join(",")}] repeat an axis`);
  return unique;
}

/** The axes of `inShape` (right-aligned against `outShape`) that broadcasting expanded; summing over them undoes it. */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const lead = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    if (i < lead || (inShape[i - lead] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}
