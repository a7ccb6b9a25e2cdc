import { describe, expect, it } from "vitest";
import { flaky, quadratic } from "./fixtures/objectives.ts";
import { gridSearch } from "./grid-search.ts";
import { randomSearch } from "./random-search.ts";
import { formatNumber, formatTable, formatValue, renderSvg } from "./report.ts";
import { choice, intUniform, logIntUniform, logUniform, oneMinusLogUniform, uniform } from "./spaces.ts";

const space = {
  lr: logUniform(1e-4, 1),
  beta: oneMinusLogUniform(0.9, 0.999),
  units: logIntUniform(8, 512),
  act: choice(["relu", "tanh"]),
  epochs: 5,
};

/** The tags of an SVG balance: every opened element is closed, in order. */
function expectBalancedTags(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) expect(stack.pop()).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
}

describe("numbers", () => {
  it("formats 4 significant digits, exponents for the very small and large", () => {
    expect(formatNumber(0.0031622776)).toBe("0.003162");
    expect(formatNumber(0.00031622776)).toBe("3.16e-4");
    expect(formatNumber(1e-4)).toBe("1e-4");
    expect(formatNumber(123456.7)).toBe("1.23e+5");
    expect(formatNumber(12.5)).toBe("12.5");
    expect(formatNumber(64)).toBe("64");
    expect(formatNumber(Number.NaN)).toBe("NaN");
    // values close to 1 keep 3 digits of 1 − v
    expect(formatValue(0.99874321, space.beta)).toBe("0.99874");
    expect(formatValue(0.9123456, space.beta)).toBe("0.9123"); // 1 − v = 0.0877
    expect(formatValue("relu")).toBe("relu");
  });
});

describe("formatTable", () => {
  it("sorts by the metric, names every hyperparameter and metric, leaves constants out", async () => {
    const r = await randomSearch({ space, trials: 8, seed: 2, objective: quadratic });
    const lines = formatTable(r).split("\n");
    expect(lines[0]).toBe(
      `randomSearch: 8 trials · loss (min) · best: trial ${r.best?.trial}, loss ${formatNumber(r.best!.value)}`,
    );
    expect(lines[1].split(/\s+/)).toEqual([
      "rank",
      "trial",
      "lr",
      "beta",
      "units",
      "act",
      "loss",
      "accuracy",
      "status",
    ]);
    const losses = lines.slice(2).map((l) => Number(l.trim().split(/\s+/)[6]));
    expect(losses).toEqual([...losses].sort((a, b) => a - b));
    expect(lines.slice(2).map((l) => l.trim().split(/\s+/)[0])).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
    ]);
    // columns line up: every row as long as the header or shorter only by trailing text
    expect(new Set(lines.slice(1).map((l) => l.indexOf("loss") >= 0 || l.length > 0)).size).toBe(1);
  });

  it("limit, durations and no heading", async () => {
    const r = await randomSearch({ space, trials: 8, seed: 2, objective: quadratic });
    const t = formatTable(r, { limit: 3, durations: true, heading: false });
    const lines = t.split("\n");
    expect(lines[0]).toMatch(/^rank\s+trial.*status\s+time$/);
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines.at(-1)).toBe("… 5 more");
    expect(lines[1]).toMatch(/\d+ ms$/);
  });

  it("failed trials come last, with their error", async () => {
    const r = await randomSearch({
      space: { lr: logUniform(1e-4, 1) },
      trials: 10,
      seed: 2,
      objective: flaky,
    });
    const t = formatTable(r);
    expect(t.split("\n")[0]).toMatch(/· \d+ failed$/);
    expect(t.split("\n")[1]).toMatch(/status\s+error$/);
    const rows = t.split("\n").slice(2);
    const firstFailed = rows.findIndex((l) => l.includes("failed"));
    expect(rows.slice(firstFailed).every((l) => l.includes("failed"))).toBe(true);
    expect(rows.slice(firstFailed).every((l) => /^\s*-\s/.test(l))).toBe(true);
  });
});

describe("renderSvg", () => {
  it("draws one panel per hyperparameter, with log axes for the log spaces", async () => {
    const r = await randomSearch({ space, trials: 20, seed: 3, objective: quadratic });
    const svg = renderSvg(r);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expectBalancedTags(svg);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    // 4 panels (the constant `epochs` has none)
    expect(svg.match(/fill="#fafafa"/g)).toHaveLength(4);
    expect(svg).toContain("lr (log scale)");
    expect(svg).toContain("beta (log scale in 1 − x)");
    expect(svg).toContain("units (log scale)");
    for (const label of ["1e-4", "1e-3", "0.01", "0.1", ">1<", "0.9", "0.99", "0.999", ">relu<", ">tanh<"])
      expect(svg).toContain(label.startsWith(">") ? label : `>${label}<`);
    // one point per trial per panel, and the best ringed in each
    expect(svg.match(/<circle cx="[\d.]+" cy="[\d.]+" r="3.5" fill="#1f77b4"/g)).toHaveLength(4 * 20);
    expect(svg.match(/r="7" fill="none" stroke="#d62728"/g)).toHaveLength(4 + 1);
  });

  it("shows failed and stopped trials, grid searches and linear axes", async () => {
    const failing = await randomSearch({
      space: { lr: logUniform(1e-4, 1) },
      trials: 10,
      seed: 2,
      objective: flaky,
    });
    const svg = renderSvg(failing, { title: "flaky" });
    expectBalancedTags(svg);
    expect(svg).toContain(">flaky<");
    expect(svg).toContain(">failed<");
    const failed = failing.trials.filter((t) => t.status === "failed").length;
    expect(svg.match(/<title>trial \d+ failed/g)).toHaveLength(failed);

    const halving = await randomSearch({ space, trials: 9, seed: 3, objective: quadratic, halving: {} });
    const sh = renderSvg(halving);
    expect(sh).toContain("stopped early");
    expect(sh.match(/stroke="#7f7f7f" stroke-width="1.3"><title>/g)).toHaveLength(4 * 8);

    const grid = await gridSearch({
      space: { x: uniform(-1, 1), n: intUniform(1, 5) },
      pointsPerAxis: 5,
      objective: (c) => ({ loss: c.x * c.x + c.n }),
    });
    const g = renderSvg(grid);
    expectBalancedTags(g);
    expect(g).toContain("Grid search");
    expect(g).not.toContain("log scale");
    expect(g).not.toMatch(/NaN|undefined/);
  });
});
