// Why initialization matters: a 20-layer dense network at initialization, before any training.
// For four pairings of activation and weight initializer it prints each layer's activation mean
// and variance and the norm of the loss gradient with respect to the layer's kernel:
//
//   sigmoid + N(0, 1)    the gradient vanishes on its way back to the first layers
//   tanh + Glorot        gradients keep their size; the activation variance shrinks slowly
//   ReLU + He            activation scale and gradients stay within a small factor through depth
//   SELU + LeCun normal  self-normalizing: mean ≈ 0 and variance ≈ 1 at every depth
//
// At width 32 the ReLU activations still drift by a few times over 20 layers: He's rule keeps the
// variance in expectation, and a narrow layer's random weights make each layer's gain fluctuate
// around it (pass 128 as the width to see the drift go).
//
// Then it shows that the first verdict depends on the width: with N(0, 1) weights a sigmoid layer
// multiplies the backward signal by about χ = n·E[σ'(z)²] (z the layer's pre-activation), which
// is below 1 for narrow layers (vanishing) and above 1 for wide ones (exploding).
//
// Run: npx tsx examples/deep-init.ts [width]      (default width 32)
import * as ax from "@axon/axon";

import { nn } from "@axon/axon";

const DEPTH = 20;
const WIDTH = Number(process.argv[2] ?? 32);
const BATCH = 256;

interface LayerReport {
  mean: number;
  variance: number;
  gradNorm: number;
}

/**
 * Activation statistics on standard-normal inputs and kernel-gradient norms of a DEPTH-layer
 * network of `width` units. The loss projects each example's output on its own random direction,
 * so the gradient norms show how the backward signal travels through depth, not how much the
 * examples' gradients cancel in a batch mean.
 */
function study(
  activation: (x: ax.Tensor) => ax.Tensor,
  init: (options: { seed: number }) => nn.Initializer,
  width: number,
  seed = 1,
): LayerReport[] {
  const model = new nn.Sequential(
    Array.from(
      { length: DEPTH },
      (_, i) =>
        new nn.Dense(width, width, {
          useBias: false,
          activation,
          kernelInitializer: init({ seed: seed * 100 + i }),
        }),
    ),
  );
  const x = ax.randomNormal([BATCH, width], { seed: 1000 + seed });
  const directions = ax.randomNormal([BATCH, width], { seed: 2000 + seed });
  const activations = ax.tidy(() => {
    let h = x;
    return model.layers.map((layer) => {
      h = layer.call(h);
      const m = ax.moments(h);
      return { mean: m.mean.dataSync()[0], variance: m.variance.dataSync()[0] };
    });
  });
  const [, grads] = ax.valueAndGrad(
    () => ax.sum(model.call(x).mul(directions)).div(BATCH),
    model.parameters(),
  )();
  return activations.map((a, i) => ({ ...a, gradNorm: grads[i].square().sum().sqrt().dataSync()[0] }));
}

const configurations: [string, (x: ax.Tensor) => ax.Tensor, (o: { seed: number }) => nn.Initializer][] = [
  ["sigmoid + N(0, 1)", ax.sigmoid, ({ seed }) => nn.init.randomNormal({ stddev: 1, seed })],
  ["tanh + Glorot normal", ax.tanh, nn.init.glorotNormal],
  ["ReLU + He normal", ax.relu, nn.init.heNormal],
  ["SELU + LeCun normal", ax.selu, nn.init.lecunNormal],
];

const fmt = (v: number) => (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(2));

console.log(`${DEPTH} dense layers of width ${WIDTH}, batch ${BATCH}, standard-normal inputs, no biases\n`);
for (const [name, activation, init] of configurations) {
  const r = study(activation, init, WIDTH);
  console.log(`== ${name}`);
  console.log("layer      mean   variance   ‖∂L/∂W‖");
  for (const [i, l] of r.entries()) {
    const cells = [fmt(l.mean).padStart(9), fmt(l.variance).padStart(10), fmt(l.gradNorm).padStart(10)];
    console.log(`${String(i + 1).padStart(5)} ${cells.join(" ")}`);
  }
  const ratio = r[0].gradNorm / r[DEPTH - 1].gradNorm;
  console.log(`first/last gradient norm: ${fmt(ratio)}\n`);
}

/** E[f(z)] for z ~ N(0, q), by the trapezoid rule over ±12 standard deviations. */
function gaussianMean(f: (z: number) => number, q: number): number {
  const s = Math.sqrt(q);
  const steps = 4000;
  const h = (24 * s) / steps;
  let total = 0;
  for (let k = 0; k <= steps; k++) {
    const z = -12 * s + k * h;
    const w = k === 0 || k === steps ? 0.5 : 1;
    total += w * f(z) * Math.exp((-z * z) / (2 * q));
  }
  return (total * h) / Math.sqrt(2 * Math.PI * q);
}

const sig = (z: number) => 1 / (1 + Math.exp(-z));
const dsig = (z: number) => sig(z) * (1 - sig(z));

console.log("== sigmoid + N(0, 1) across widths: the per-layer gain χ decides vanishing or exploding");
console.log("width       χ   χ^((L−1)/2)   measured first/last");
for (const width of [16, 32, 64, 128, 256]) {
  // The pre-activation variance settles at the fixed point q = n·E[σ(z)²].
  let q = width;
  for (let i = 0; i < 50; i++) q = width * gaussianMean((z) => sig(z) ** 2, q);
  const chi = width * gaussianMean((z) => dsig(z) ** 2, q);
  const r = study(ax.sigmoid, ({ seed }) => nn.init.randomNormal({ stddev: 1, seed }), width);
  const measured = r[0].gradNorm / r[DEPTH - 1].gradNorm;
  console.log(
    `${String(width).padStart(5)} ${chi.toFixed(3).padStart(7)} ${fmt(chi ** ((DEPTH - 1) / 2)).padStart(13)} ${fmt(measured).padStart(21)}`,
  );
}
