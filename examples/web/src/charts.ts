import { plot } from "@axon/nn";

/** Everything plotted so far; x is in epochs (a step of epoch e, batch b of B is e + (b + 1) / B). */
export interface Curves {
  readonly epochs: number;
  readonly steps: { x: number; loss: number; accuracy: number }[];
  readonly validation: { x: number; accuracy: number; loss: number }[];
  test?: number;
}

const [BLUE, ORANGE, GREEN, RED] = plot.PALETTE;

/** An exponential moving average, so the trend shows through the noise of single batches. */
function smooth(values: readonly number[], weight = 0.8): number[] {
  let s = Number.NaN;
  return values.map((v) => {
    s = Number.isNaN(s) ? v : weight * s + (1 - weight) * v;
    return s;
  });
}

const guides = (epochs: number) => Array.from({ length: Math.max(0, epochs - 1) }, (_, i) => i + 1);

/** The training loss per step and its trend, and the validation loss per epoch. */
export function lossChart(c: Curves): string {
  const xs = c.steps.map((p) => p.x);
  const losses = c.steps.map((p) => p.loss);
  return plot.lineChart({
    title: "Loss",
    xLabel: "epoch",
    series: [
      { name: "training (per batch)", xs, ys: losses, color: "#9ecae1" },
      { name: "training (moving average)", xs, ys: smooth(losses), color: BLUE },
      {
        name: "validation",
        xs: c.validation.map((p) => p.x),
        ys: c.validation.map((p) => p.loss),
        color: ORANGE,
        markers: true,
      },
    ],
    guides: guides(c.epochs),
    width: 520,
    height: 300,
  });
}

/** Training accuracy (moving average), validation accuracy per epoch and the final test accuracy. */
export function accuracyChart(c: Curves): string {
  const xs = c.steps.map((p) => p.x);
  const series: plot.Series[] = [
    { name: "training (moving average)", xs, ys: smooth(c.steps.map((p) => p.accuracy)), color: BLUE },
    {
      name: "validation",
      xs: c.validation.map((p) => p.x),
      ys: c.validation.map((p) => p.accuracy),
      color: ORANGE,
      markers: true,
    },
  ];
  if (c.test !== undefined)
    series.push({ name: "test", xs: [0, c.epochs], ys: [c.test, c.test], color: GREEN, dashed: true });
  // Chance (one digit in ten) as a floor line, so the rise has a reference.
  series.push({ name: "chance", xs: [0, c.epochs], ys: [0.1, 0.1], color: RED, dashed: true });
  return plot.lineChart({
    title: "Accuracy",
    xLabel: "epoch",
    series,
    guides: guides(c.epochs),
    width: 520,
    height: 300,
  });
}
