import * as ax from "@axon/axon";
import { describe, expect, it } from "vitest";
import { contourPlot } from "./contour.ts";
import { composeFigure } from "./figure.ts";
import { downsample, formatNumber } from "./series.ts";

const chart = (title: string, width: number) =>
  ax.nn.plot.lineChart({
    title,
    xLabel: "x",
    width,
    height: 200,
    series: [{ name: "a", xs: [0, 1], ys: [1, 2], color: "#000" }],
  });

describe("study plotting helpers", () => {
  it("composeFigure lays charts out in rows inside one standalone SVG with the chart style", () => {
    const svg = composeFigure([chart("one", 300), chart("two", 400), chart("three", 500)], {
      columns: 2,
      title: "T",
    });
    const outer = /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="(\d+)" height="(\d+)"/.exec(svg);
    expect(outer).not.toBeNull();
    expect(Number(outer![1])).toBe(700); // the wider row: 300 + 400
    expect(Number(outer![2])).toBe(28 + 200 + 200);
    expect(svg.match(/<svg\b/g)?.length).toBe(4);
    expect(svg.match(/<\/svg>/g)?.length).toBe(4);
    expect(svg).toContain('<svg x="300" y="28"');
    expect(svg).toContain('<svg x="0" y="228"');
    expect(svg).toContain("svg .title");
    expect(svg).not.toContain("<figure");
  });

  it("composeFigure rejects what is not a chart", () => {
    expect(() => composeFigure([])).toThrow(/charts must not be empty/);
    expect(() => composeFigure(["<p>no svg</p>"])).toThrow(/composeFigure: each chart must hold an <svg/);
  });

  it("contourPlot draws level lines of f, the paths and a legend", () => {
    const plot = contourPlot({
      title: "bowl",
      f: (x, y) => x * x + 4 * y * y,
      xRange: [-2, 2],
      yRange: [-1, 1],
      levels: [0.5, 1, 2],
      paths: [
        {
          name: "descent",
          points: [
            [-1.5, 0.8],
            [-1, 0.3],
            [0, 0],
          ],
          color: "#f00",
        },
      ],
      target: [0, 0],
    });
    expect(plot.startsWith('<figure class="chart"><svg')).toBe(true);
    // Three closed level lines (ellipses) and one path, plus the axes' marks.
    expect(plot.match(/stroke="#c8c8c8"/g)?.length).toBe(3);
    expect(plot).toContain('stroke="#f00"');
    expect(plot.match(/<circle/g)?.length).toBe(3);
    expect(plot).toContain(">descent<");
    expect(composeFigure([plot])).toContain("clip-path");
    expect(() => contourPlot({ title: "t", f: () => 0, xRange: [1, 0], yRange: [0, 1] })).toThrow(
      /contourPlot: xRange/,
    );
  });

  it("downsample keeps the ends and at most maxPoints points; formatNumber is short", () => {
    const xs = Array.from({ length: 1001 }, (_, i) => i);
    const d = downsample(
      xs,
      xs.map((x) => x * x),
      11,
    );
    expect(d.xs).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(d.ys[10]).toBe(1e6);
    expect(downsample([1, 2], [3, 4], 5)).toEqual({ xs: [1, 2], ys: [3, 4] });
    expect(() => downsample([1], [1, 2])).toThrow(/same length/);
    expect(formatNumber(0.000012345)).toBe("1.23e-5");
    expect(formatNumber(1.23456)).toBe("1.235");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatNumber(Number.NaN)).toBe("—");
  });
});
