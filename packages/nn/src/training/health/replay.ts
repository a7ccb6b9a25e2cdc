import { valueAndGrad } from "@axon/autograd";
import {
  NumericsError,
  type Parameter,
  type Tensor,
  getRandomState,
  isDebugMode,
  keep,
  makeTensorFromStorage,
  setDebugMode,
  setRandomState,
  tidy,
} from "@axon/core";
import type { ModuleBuffer } from "../../buffer.ts";

/** A new handle on a tensor's data (no copy), kept past `tidy`: a snapshot that a later `assign` cannot free. */
export const handle = (t: Tensor): Tensor =>
  keep(makeTensorFromStorage(t.shape, t.dtype, t.storageOrThrow("HealthMonitor")));

/** What a step started from: the parameters and buffers it read and the random stream's state. */
export interface StepStart {
  readonly parameters: readonly Parameter[];
  readonly weights: readonly Tensor[];
  readonly buffers: readonly ModuleBuffer[];
  readonly bufferValues: readonly Tensor[];
  readonly random: ReturnType<typeof getRandomState>;
}

/** The first primitive that turned finite inputs into NaN or Infinity, and core's message about it. */
export interface Culprit {
  readonly primitive: string;
  readonly detail: string;
}

/**
 * Reruns a step's forward and backward pass as it first ran — its parameters, buffers (batch-norm
 * statistics, dropout positions) and random draws put back — in core's debug mode, which names the
 * first primitive producing NaN or Infinity from finite inputs. Everything is restored afterwards.
 * Null when the rerun produces none (non-finite data, or a cause outside the objective).
 */
export function findCulprit(objective: () => Tensor, start: StepStart): Culprit | null {
  const cells: (Parameter | ModuleBuffer)[] = [...start.parameters, ...start.buffers];
  const then = [...start.weights, ...start.bufferValues];
  const now = cells.map((c) => handle(c.value));
  const random = getRandomState();
  const debug = isDebugMode();
  for (const [i, c] of cells.entries()) c.assign(handle(then[i]));
  setRandomState(start.random);
  setDebugMode(true);
  try {
    tidy(() => {
      valueAndGrad(objective, [...start.parameters])();
    });
    return null;
  } catch (e) {
    if (!(e instanceof NumericsError)) throw e;
    const primitive = e.message.slice(0, Math.max(0, e.message.indexOf(":")));
    return { primitive, detail: e.message };
  } finally {
    setDebugMode(debug);
    setRandomState(random);
    for (const [i, c] of cells.entries()) c.assign(now[i]);
  }
}
