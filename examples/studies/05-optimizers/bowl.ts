// An elongated quadratic bowl f(x, y) = ½(x² + κ·y²) and optimizer paths on it.
import * as ax from "@axon/axon";
import type { Stepper } from "../lib/train.ts";

/** f(x, y) = ½(x² + κy²): curvature 1 along x and κ along y, minimum at the origin. */
export const bowl = (kappa: number) => (x: number, y: number) => 0.5 * (x * x + kappa * y * y);

/** The points an optimizer visits from `start` in `steps` steps (start included), and f along the way. */
export function bowlPath(
  optimizer: Stepper,
  kappa: number,
  start: readonly [number, number],
  steps: number,
): { points: [number, number][]; values: number[] } {
  const p = new ax.Parameter(ax.tensor([start[0], start[1]]), "xy");
  const curvature = ax.tensor([1, kappa]);
  const f = bowl(kappa);
  const points: [number, number][] = [[start[0], start[1]]];
  for (let i = 0; i < steps; i++) {
    ax.tidy(() => {
      const [, grads] = ax.valueAndGrad(
        () => ax.mul(ax.sum(ax.mul(ax.square(p.value), curvature)), 0.5),
        [p],
      )();
      optimizer.step([p], grads);
    });
    const [x, y] = p.value.dataSync();
    points.push([x, y]);
    if (!Number.isFinite(f(x, y))) break;
  }
  p.value.dispose();
  curvature.dispose();
  return { points, values: points.map(([x, y]) => f(x, y)) };
}
