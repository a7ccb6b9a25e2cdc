import { describe, expect, it } from "vitest";
import { quadratic } from "./fixtures/objectives.ts";
import { gridAxes, gridSearch } from "./grid-search.ts";
import { randomSearch } from "./random-search.ts";
import { choice, intUniform, logIntUniform, logUniform, oneMinusLogUniform } from "./spaces.ts";

describe("gridSearch", () => {
  it("enumerates the grid: log-spaced for log spaces, every choice, the first axis slowest", async () => {
    const seen: unknown[] = [];
    const r = await gridSearch({
      space: { lr: logUniform(1e-3, 1e-1), act: choice(["relu", "tanh"]), epochs: 2 },
      pointsPerAxis: 3,
      objective: (c, ctx) => {
        seen.push(c);
        return quadratic(c, ctx);
      },
    });
    const expected = [1e-3, 1e-2, 1e-1].flatMap((lr) =>
      ["relu", "tanh"].map((act) => ({ lr, act, epochs: 2 })),
    );
    expect(r.trials).toHaveLength(6);
    r.trials.forEach((t, i) => {
      expect(t.config.lr).toBeCloseTo(expected[i].lr, 15);
      expect(t.config.act).toBe(expected[i].act);
      expect(t.config.epochs).toBe(2);
    });
    expect(seen).toEqual(r.trials.map((t) => t.config));
    expect(r.kind).toBe("gridSearch");
    expect(r.best?.config.act).toBe("relu");
    expect(r.best?.config.lr).toBeCloseTo(1e-2, 15);
  });

  it("takes a point count per axis and explicit values", () => {
    const axes = gridAxes(
      {
        lr: logUniform(1e-4, 1),
        beta: oneMinusLogUniform(0.9, 0.999),
        units: logIntUniform(16, 256),
        layers: intUniform(1, 4),
      },
      { lr: 5, beta: 3, units: 5 },
      { layers: [2, 3] },
    );
    expect(axes.lr.map((v) => Math.log10(v as number))).toEqual(
      [-4, -3, -2, -1, 0].map((e) => expect.closeTo(e, 12)),
    );
    expect(axes.beta).toEqual([0.9, expect.closeTo(0.99, 15), 0.999]);
    expect(axes.units).toEqual([16, 32, 64, 128, 256]);
    expect(axes.layers).toEqual([2, 3]);
  });

  it("says which axis lacks a point count", async () => {
    await expect(
      gridSearch({ space: { lr: logUniform(1e-4, 1), act: choice(["a", "b"]) }, objective: quadratic }),
    ).rejects.toThrow("gridSearch: pointsPerAxis is needed for lr (logUniform(0.0001, 1)), got undefined");
    await expect(
      gridSearch({ space: { lr: logUniform(1e-4, 1) }, grid: { lr: [] }, objective: quadratic }),
    ).rejects.toThrow("gridSearch: grid.lr must be a non-empty array, got []");
    await expect(
      gridSearch({
        space: { lr: logUniform(1e-4, 1) },
        pointsPerAxis: 2,
        grid: { lx: [1] } as never,
        objective: quadratic,
      }),
    ).rejects.toThrow("gridSearch: grid.lx is not a hyperparameter of the space (lr)");
  });

  it("random search tries more distinct values of each hyperparameter than a grid of the same size", async () => {
    const space = { lr: logUniform(1e-4, 1), units: logIntUniform(8, 512) };
    const grid = await gridSearch({ space, pointsPerAxis: 4, objective: quadratic });
    const random = await randomSearch({ space, trials: 16, objective: quadratic });
    const distinct = (r: typeof grid) => new Set(r.trials.map((t) => t.config.lr)).size;
    expect(distinct(grid)).toBe(4);
    expect(distinct(random)).toBe(16);
  });
});
