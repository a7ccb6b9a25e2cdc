import { describe, expect, it } from "vitest";
import { heatmap, viridis } from "./heatmap.ts";

const cells = (svg: string) => [...svg.matchAll(/<rect [^>]*class="cell[^"]*"[^>]*>/g)].map((m) => m[0]);

describe("heatmap", () => {
  it("draws one cell per row and column, labelled, with a color legend", () => {
    const svg = heatmap({
      title: "gradient norm",
      rows: ["0 (Dense)", "2 (Dense)", "4 <out>"],
      columns: [1, 11, 21, 31],
      values: [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
        [9, 10, 11, 12],
      ],
      xLabel: "step",
    });
    expect(cells(svg)).toHaveLength(12);
    expect(svg).toContain("4 &lt;out&gt;");
    expect(svg).toContain("<title>2 (Dense) · 21: 7</title>");
    // The smallest value takes the scale's low end, the largest its high end.
    expect(cells(svg)[0]).toContain(`fill="${viridis(0)}"`);
    expect(cells(svg)[11]).toContain(`fill="${viridis(1)}"`);
    expect(svg.match(/class="legend-bar"/g)?.length).toBeGreaterThan(10);
    for (const label of [">12</text>", ">6.5</text>", ">1</text>"]) expect(svg).toContain(label);
  });

  it("marks NaN and Infinity, leaves missing cells blank, and spaces a log scale by decades", () => {
    const svg = heatmap({
      title: "norms",
      rows: ["a", "b"],
      columns: [1, 2, 3],
      values: [
        [1e-6, 1e-4, Number.NaN],
        [null, 1e-2, Number.POSITIVE_INFINITY],
      ],
      logScale: true,
    });
    const all = cells(svg);
    expect(all).toHaveLength(6);
    expect(all.filter((c) => c.includes("nonfinite"))).toHaveLength(2);
    expect(all.filter((c) => c.includes("missing"))).toHaveLength(1);
    expect(svg).toContain("NaN/Inf</text>");
    // 1e-4 is halfway between 1e-6 and 1e-2 on a log scale.
    expect(all[1]).toContain(`fill="${viridis(0.5)}"`);
    for (const label of [">0.01</text>", ">1e-4</text>", ">1e-6</text>"]) expect(svg).toContain(label);
  });

  it("viridis runs from dark purple to yellow", () => {
    expect(viridis(0)).toBe("#440154");
    expect(viridis(1)).toBe("#fde725");
    expect(viridis(Number.NaN)).toBe("#440154");
  });
});
