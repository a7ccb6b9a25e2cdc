// The page: settings from the form (pre-filled from the query string, e.g.
// `?backend=cpu&train=500&epochs=2&batch=32&test=500`), Start/Stop, the backend's facts, live
// charts. Its state is also in data- attributes of <main id="demo">, for people and tests alike.
import { registerCpuBackend } from "@axon/backend-cpu";
import { registerWebGLBackend } from "@axon/backend-webgl";
import { getBackend, setBackend } from "@axon/core";
import { plot } from "@axon/nn";
import { type Curves, accuracyChart, lossChart } from "./charts.ts";
import { digitSets } from "./digits.ts";
import { testAccuracy, train } from "./training.ts";

registerCpuBackend(1);
registerWebGLBackend(0);

type State = "idle" | "loading" | "training" | "testing" | "done" | "stopped" | "error";

const root = document.getElementById("demo") as HTMLElement;
const form = document.getElementById("controls") as HTMLFormElement;
const stopButton = document.getElementById("stop") as HTMLButtonElement;
const field = (id: string) => document.getElementById(id) as HTMLElement;
const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

document.head.append(Object.assign(document.createElement("style"), { textContent: plot.PAGE_CSS }));

const query = new URLSearchParams(location.search);
for (const name of ["backend", "train", "epochs", "batch"]) {
  const v = query.get(name);
  if (v !== null) input(name).value = v;
}

field("isolated").textContent = String(globalThis.crossOriginIsolated);
root.dataset.crossOriginIsolated = String(globalThis.crossOriginIsolated);

function setState(state: State, text: string = state): void {
  root.dataset.state = state;
  field("state").textContent = text;
}

/** A whole number from a form field, kept inside the field's own min and max. */
function count(name: string): number {
  const el = input(name) as HTMLInputElement;
  const v = Math.round(Number(el.value));
  if (!Number.isFinite(v)) throw new Error(`${name}: expected a number, got '${el.value}'`);
  return Math.min(Number(el.max), Math.max(Number(el.min), v));
}

/** The renderer (WebGL) or the kind of kernels and threads (CPU), from `backend.info()`. */
function describeBackend(name: string): string {
  const info = getBackend().info?.() ?? {};
  if (name === "webgl") return `${info.renderer} (max texture ${info.maxTextureSize})`;
  const threads = Number(info.threads ?? 1);
  const kernels = info.simd ? "WebAssembly SIMD" : "JavaScript";
  return `${kernels}, ${threads} thread${threads === 1 ? "" : "s"}${info.sharedMemory ? ", shared memory" : ""}`;
}

let curves: Curves = { epochs: 1, steps: [], validation: [] };
let drawPending = false;

/** Redraws the charts at most once a frame; the data- attributes are always current. */
function draw(): void {
  root.dataset.losses = curves.steps.map((p) => p.loss.toFixed(4)).join(",");
  root.dataset.validationAccuracies = curves.validation.map((p) => p.accuracy.toFixed(4)).join(",");
  if (curves.test !== undefined) root.dataset.testAccuracy = curves.test.toFixed(4);
  else delete root.dataset.testAccuracy;
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    field("loss-chart").innerHTML = lossChart(curves);
    field("accuracy-chart").innerHTML = accuracyChart(curves);
  });
}

let running: AbortController | null = null;

/** While a run goes on, the settings are locked and only Stop is enabled. */
function setRunning(on: boolean): void {
  for (const el of Array.from(form.elements) as HTMLInputElement[]) el.disabled = on;
  stopButton.disabled = !on;
}

async function run(): Promise<void> {
  const backend = input("backend").value;
  const settings = { epochs: count("epochs"), batchSize: count("batch"), seed: 0 };
  const trainDigits = count("train");
  const testDigits = Math.min(2000, Math.max(100, Number(query.get("test") ?? 2000) || 2000));
  const controller = new AbortController();
  running = controller;
  setRunning(true);
  curves = { epochs: settings.epochs, steps: [], validation: [] };
  draw();
  for (const id of ["backend", "renderer", "progress", "validation", "test"]) field(id).textContent = "–";
  for (const key of ["backend", "renderer", "steps", "error"]) delete root.dataset[key];
  try {
    setState("loading", `starting ${backend}`);
    await setBackend(backend);
    root.dataset.backend = backend;
    root.dataset.renderer = describeBackend(backend);
    field("backend").textContent = backend === "webgl" ? "WebGL2" : "CPU";
    field("renderer").textContent = root.dataset.renderer;
    setState("loading", "loading the digits");
    const sets = await digitSets(trainDigits, testDigits, settings.seed);
    controller.signal.throwIfAborted();
    setState("training");
    const started = performance.now();
    const model = await train(
      sets,
      settings,
      {
        batch: (p) => {
          curves.steps.push({
            x: p.epoch + (p.batch + 1) / p.numBatches,
            loss: p.loss,
            accuracy: p.accuracy,
          });
          root.dataset.steps = String(curves.steps.length);
          field("progress").textContent =
            `epoch ${p.epoch + 1} of ${settings.epochs}, batch ${p.batch + 1} of ${p.numBatches}, ${p.ms.toFixed(0)} ms a step, loss ${p.loss.toFixed(3)}`;
          draw();
        },
        epoch: (p) => {
          curves.validation.push({ x: p.epoch + 1, accuracy: p.valAccuracy, loss: p.valLoss });
          field("validation").textContent =
            `${(p.valAccuracy * 100).toFixed(1)} % after epoch ${p.epoch + 1}`;
          draw();
        },
      },
      controller.signal,
    );
    const seconds = (performance.now() - started) / 1000;
    setState("testing", `testing on ${sets.test.shape[0]} digits`);
    curves.test = await testAccuracy(model, sets.test, controller.signal);
    field("test").textContent = `${(curves.test * 100).toFixed(1)} % of ${sets.test.shape[0]} digits`;
    draw();
    setState(
      "done",
      `done: ${sets.train.shape[0]} digits × ${settings.epochs} epochs in ${seconds.toFixed(1)} s`,
    );
  } catch (e) {
    if ((e as Error).name === "AbortError") setState("stopped");
    else {
      root.dataset.error = String((e as Error).message ?? e);
      setState("error", `error: ${(e as Error).message ?? e}`);
      console.error(e);
    }
  } finally {
    running = null;
    setRunning(false);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!running) void run();
});
stopButton.addEventListener("click", () => running?.abort());
draw();
