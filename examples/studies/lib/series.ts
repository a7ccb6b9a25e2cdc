// Small helpers for the numbers of a study: curves cut to a few hundred points, numbers as text.

/** At most `maxPoints` evenly spaced points of a curve (the first and last kept), so SVGs stay small. */
export function downsample(
  xs: readonly number[],
  ys: readonly number[],
  maxPoints = 300,
): { xs: number[]; ys: number[] } {
  if (xs.length !== ys.length)
    throw new Error(`downsample: xs and ys must have the same length, got ${xs.length} and ${ys.length}`);
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2))
    throw new Error(`downsample: maxPoints must be an integer ≥ 2, got ${maxPoints}`);
  if (xs.length <= maxPoints) return { xs: [...xs], ys: [...ys] };
  const outX: number[] = [];
  const outY: number[] = [];
  for (let k = 0; k < maxPoints; k++) {
    const i = Math.round((k * (xs.length - 1)) / (maxPoints - 1));
    outX.push(xs[i]);
    outY.push(ys[i]);
  }
  return { xs: outX, ys: outY };
}

/** A number in 4 significant digits, exponential when tiny or huge; "—" for NaN, "∞" for infinities. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}

/** 0, 1, …, n − 1. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The arithmetic mean of a non-empty list. */
export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
