import { describe, expect, it } from "vitest";
import { run, tensor, useCpuBackend, values } from "../testUtil.ts";
import { erf } from "./erf.ts";

useCpuBackend();

// Reference values of erf to 16+ significant digits.
const KNOWN: [number, number][] = [
  [0.1, 0.1124629160182849],
  [0.25, 0.27632639016823696],
  [0.46875, 0.49261347321793797],
  [0.5, 0.5204998778130465],
  [1, 0.8427007929497149],
  [1.5, 0.9661051464753108],
  [2, 0.9953222650189527],
  [3, 0.9999779095030014],
  [-3, -0.9999779095030014],
  [4, 0.9999999845827421],
  [5, 0.9999999999984626],
  [-0.5, -0.5204998778130465],
];

describe("erf", () => {
  it("matches known values to 1e-15", () => {
    for (const [x, e] of KNOWN) expect(Math.abs(erf(x) - e), `erf(${x})`).toBeLessThanOrEqual(1e-15);
  });

  it("is odd, saturates, and keeps NaN, ±0 and tiny arguments", () => {
    for (const x of [0.01, 0.3, 0.7, 1.2, 2.9, 3.5, 4.5, 6]) expect(erf(-x)).toBe(-erf(x));
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(30)).toBe(1);
    expect(erf(Number.NaN)).toBeNaN();
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(1e-20)).toBe(1e-20 * 1.1283791670955126);
  });

  it("is monotone across the approximation boundaries", () => {
    for (const b of [0.46875, 4]) {
      let prev = erf(b - 1e-9);
      for (let i = -99; i <= 100; i++) {
        const v = erf(b + i * 1e-11);
        expect(v).toBeGreaterThanOrEqual(prev);
        prev = v;
      }
    }
  });

  it("runs as a kernel in float64 and float32", () => {
    const x = KNOWN.map(([v]) => v);
    const y64 = values(run("erf", [tensor(x, [x.length])], {}));
    for (let i = 0; i < x.length; i++) expect(Math.abs(y64[i] - KNOWN[i][1])).toBeLessThanOrEqual(1e-15);
    const x32 = x.map(Math.fround);
    const y32 = values(run("erf", [tensor(x32, [x.length], "float32")], {}));
    for (let i = 0; i < x.length; i++) expect(y32[i]).toBe(Math.fround(erf(x32[i])));
  });
});
