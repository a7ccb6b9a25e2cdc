import { describe, expect, it } from "vitest";
import { detailsTable, htmlPage, lineChart, niceTicks } from "./index.ts";

describe("plot", () => {
  it("niceTicks gives round values covering the range", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it("lineChart breaks a line at non-finite values and escapes text", () => {
    const svg = lineChart({
      title: "a < b",
      xLabel: "step",
      series: [{ name: "loss", xs: [0, 1, 2, 3], ys: [1, Number.NaN, 0.5, 0.25], color: "#000" }],
    });
    expect(svg).toContain("a &lt; b");
    const d = /<path d="([^"]*)"/.exec(svg)?.[1] ?? "";
    expect(d.match(/M/g)).toHaveLength(2); // one segment before the NaN, one after
    expect(d.match(/L/g)).toHaveLength(1);
  });

  it("lineChart with logX puts decades on the x axis and leaves out x ≤ 0", () => {
    const svg = lineChart({
      title: "loss against learning rate",
      xLabel: "learning rate",
      yLabel: "final loss",
      logX: true,
      series: [{ name: "run", xs: [0, 1e-4, 1e-3, 0.05], ys: [9, 1, 0.5, 2], color: "#000" }],
    });
    for (const t of ["1e-4", "1e-3", "1e-2", "1e-1"]) expect(svg).toContain(`>${t}</text>`);
    expect(svg).toContain("final loss");
    const d = /<path d="([^"]*)"/.exec(svg)?.[1] ?? "";
    expect(d.match(/[ML]/g)).toHaveLength(3);
    // Equal ratios are equal distances on a log axis.
    const xs = [...d.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    const decade = xs[1] - xs[0];
    expect((xs[2] - xs[1]) / decade).toBeCloseTo(Math.log10(50), 2);
  });

  it("lineChart wraps a long legend into rows and grows the figure to hold them", () => {
    const series = Array.from({ length: 12 }, (_, i) => ({
      name: `layer ${i} (BatchNorm)`,
      xs: [0, 1],
      ys: [i, i + 1],
      color: "#000",
    }));
    const one = lineChart({ title: "t", xLabel: "x", series: series.slice(0, 1) });
    const many = lineChart({ title: "t", xLabel: "x", series });
    expect(one).toContain('height="300"');
    const height = Number(/height="(\d+)"/.exec(many)?.[1]);
    expect(height).toBeGreaterThan(300);
    const xs = [...many.matchAll(/<text x="([\d.]+)" y="[\d.]+" class="legend">/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(12);
    expect(Math.max(...xs.map((x) => x + 20 * 6.6))).toBeLessThanOrEqual(560 + 30);
  });

  it("a log axis over many decades labels every k-th decade, at most 9 labels", () => {
    const svg = lineChart({
      title: "t",
      xLabel: "layer",
      logY: true,
      series: [{ name: "v", xs: [1, 2], ys: [1e-19, 1e11], color: "#000" }],
    });
    const labels = [...svg.matchAll(/class="ytick">1e(-?\d+)</g)].map((m) => Number(m[1]));
    expect(labels.length).toBeLessThanOrEqual(9);
    expect(labels).toContain(0);
    expect(new Set(labels.slice(1).map((e, i) => e - labels[i])).size).toBe(1); // evenly spaced
  });

  it("htmlPage is a self-contained page", () => {
    const page = htmlPage("Report", detailsTable({ seed: 1, data: "<mnist>" }));
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page).toContain("&lt;mnist&gt;");
    expect(page).not.toMatch(/<script|<link|src="http/);
  });
});
