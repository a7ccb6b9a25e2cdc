import * as ax from "@axon/axon";
import { composeFigure } from "../lib/figure.ts";
import { dataTable, markdownTable, writeStudyReport } from "../lib/report.ts";
import { formatNumber as fmt, range } from "../lib/series.ts";
import type { Study } from "../lib/study.ts";
import { type LayerSignal, measureSignals, scaledIdentity, sigmoidGain } from "./signals.ts";

const { nn } = ax;
const { lineChart, PALETTE } = nn.plot;

/** One pairing of activation and initializer. */
interface Pairing {
  readonly name: string;
  readonly activation?: (x: ax.Tensor) => ax.Tensor;
  readonly init: (seed: number) => ax.nn.Initializer;
}

const PAIRINGS: readonly Pairing[] = [
  {
    name: "sigmoid, N(0, 1)",
    activation: ax.sigmoid,
    init: (seed) => nn.init.randomNormal({ stddev: 1, seed }),
  },
  { name: "tanh, Glorot", activation: ax.tanh, init: (seed) => nn.init.glorotNormal({ seed }) },
  { name: "ReLU, He", activation: ax.relu, init: (seed) => nn.init.heNormal({ seed }) },
  { name: "SELU, LeCun", activation: ax.selu, init: (seed) => nn.init.lecunNormal({ seed }) },
  { name: "linear, 1.5·I", init: () => scaledIdentity(1.5) },
  { name: "linear, 0.5·I", init: () => scaledIdentity(0.5) },
];

const SIZES = {
  toy: { depth: 20, width: 32, batch: 64, sweepWidths: [16, 64, 256], sweepSeeds: 1 },
  full: { depth: 30, width: 64, batch: 512, sweepWidths: [8, 16, 32, 64, 128, 256, 512], sweepSeeds: 3 },
} as const;

export interface InitializationData {
  readonly depth: number;
  readonly width: number;
  /** Per pairing (in the order above), one entry per layer. */
  readonly pairings: readonly { readonly name: string; readonly layers: readonly LayerSignal[] }[];
  /** Sigmoid with N(0, 1) weights across widths: the theory's gain χ and the measured first/last backward ratio. */
  readonly sweep: readonly {
    readonly width: number;
    readonly gain: number;
    readonly firstOverLast: number;
  }[];
}

const geometricMean = (xs: readonly number[]) =>
  Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);

export const study: Study<InitializationData> = {
  name: "initialization",
  title: "Vanishing and exploding signals at initialization",
  claim:
    "In a deep network the signal is multiplied at every layer by a gain set by the activation and the weight scale: the " +
    "matched pairings (tanh + Glorot, ReLU + He, SELU + LeCun) keep activations and gradients at their size through depth, " +
    "while a mismatched scale makes them shrink or grow geometrically (W = 1.5·I: 1.5^L; W = 0.5·I: 0.5^L).",
  fullSize:
    "30 dense layers of width 64, batch 512; sigmoid sweep over widths 8–512 with 3 seeds; about 10 s",
  async run({ size, outDir, seed = 0, log }) {
    const s = SIZES[size];
    const { depth, width, batch } = s;
    const pairings = PAIRINGS.map((p) => {
      log?.(`${p.name}: ${depth} layers of width ${width}`);
      return {
        name: p.name,
        layers: measureSignals({ depth, width, batch, activation: p.activation, init: p.init, seed }),
      };
    });
    const sweep = s.sweepWidths.map((w) => {
      const ratios = range(s.sweepSeeds).map((k) => {
        const layers = measureSignals({
          depth,
          width: w,
          batch,
          activation: ax.sigmoid,
          init: (sd) => nn.init.randomNormal({ stddev: 1, seed: sd }),
          seed: seed * 10 + k + 1,
        });
        return layers[0].backwardNorm / layers[depth - 1].backwardNorm;
      });
      const entry = { width: w, gain: sigmoidGain(w), firstOverLast: geometricMean(ratios) };
      log?.(
        `sigmoid sweep: width ${w}, χ = ${fmt(entry.gain)}, first/last backward = ${fmt(entry.firstOverLast)}`,
      );
      return entry;
    });
    const data: InitializationData = { depth, width, pairings, sweep };

    const layerAxis = range(depth).map((i) => i + 1);
    const perLayer = (
      title: string,
      yLabel: string,
      which: "matched" | "linear",
      pick: (l: LayerSignal) => number,
    ) =>
      lineChart({
        title,
        xLabel: "layer",
        yLabel,
        logY: true,
        integerX: true,
        width: 500,
        series: pairings
          .map((p, i) => ({ name: p.name, xs: layerAxis, ys: p.layers.map(pick), color: PALETTE[i] }))
          .filter((_, i) => (which === "linear") === i >= 4),
      });
    const sweepChart = lineChart({
      title: `sigmoid, N(0, 1): first/last backward signal`,
      xLabel: "width",
      yLabel: "ratio",
      logX: true,
      logY: true,
      width: 500,
      series: [
        {
          name: "measured ‖∂L/∂h₁‖ / ‖∂L/∂h_L‖",
          xs: sweep.map((e) => e.width),
          ys: sweep.map((e) => e.firstOverLast),
          color: PALETTE[0],
          markers: true,
        },
        {
          name: "theory χ^((L−1)/2)",
          xs: sweep.map((e) => e.width),
          ys: sweep.map((e) => e.gain ** ((depth - 1) / 2)),
          color: PALETTE[7],
          dashed: true,
          markers: true,
        },
      ],
    });
    const figure = composeFigure(
      [
        perLayer("activation variance per layer", "variance", "matched", (l) => l.variance),
        perLayer("backward signal ‖∂L/∂h‖ per layer", "norm", "matched", (l) => l.backwardNorm),
        perLayer("kernel gradient ‖∂L/∂W‖ per layer", "norm", "matched", (l) => l.kernelGradNorm),
        perLayer("linear chains: activation variance", "variance", "linear", (l) => l.variance),
        perLayer("linear chains: backward signal ‖∂L/∂h‖", "norm", "linear", (l) => l.backwardNorm),
        sweepChart,
      ],
      { columns: 3, title: `${depth} dense layers of width ${width} at initialization` },
    );

    const last = depth - 1;
    const header = [
      "pairing",
      "var(h₁)",
      `var(h${depth})`,
      `‖∂L/∂h₁‖`,
      `‖∂L/∂h${depth}‖`,
      "first/last backward",
      "‖∂L/∂W₁‖ / ‖∂L/∂W_L‖",
    ];
    const rowsOf = pairings.map((p) => [
      p.name,
      fmt(p.layers[0].variance),
      fmt(p.layers[last].variance),
      fmt(p.layers[0].backwardNorm),
      fmt(p.layers[last].backwardNorm),
      fmt(p.layers[0].backwardNorm / p.layers[last].backwardNorm),
      fmt(p.layers[0].kernelGradNorm / p.layers[last].kernelGradNorm),
    ]);
    const sweepHeader = ["width", "χ", "χ^((L−1)/2)", "measured first/last"];
    const sweepRows = sweep.map((e) => [
      e.width,
      fmt(e.gain),
      fmt(e.gain ** ((depth - 1) / 2)),
      fmt(e.firstOverLast),
    ]);
    const crossing = sweep.find((e) => e.gain > 1)?.width;
    const by = (name: string) => pairings.find((p) => p.name === name)!.layers;
    const ratio = (name: string) => by(name)[0].backwardNorm / by(name)[last].backwardNorm;
    const result = [
      `At width ${width} the backward signal reaching the first layer is ${fmt(ratio("sigmoid, N(0, 1)"))} times the one at the last ` +
        `layer for sigmoid with N(0, 1) weights (vanishing), ${fmt(ratio("tanh, Glorot"))} for tanh + Glorot, ` +
        `${fmt(ratio("ReLU, He"))} for ReLU + He and ${fmt(ratio("SELU, LeCun"))} for SELU + LeCun. ` +
        `SELU's activations keep mean ${fmt(by("SELU, LeCun")[last].mean)} and variance ${fmt(by("SELU, LeCun")[last].variance)} at layer ${depth}.`,
      `The linear chains follow the geometry exactly: variance ×${fmt(by("linear, 1.5·I")[last].variance / by("linear, 1.5·I")[0].variance)} ` +
        `from layer 1 to ${depth} with 1.5·I (1.5^${2 * last} = ${fmt(1.5 ** (2 * last))}), ×${fmt(by("linear, 0.5·I")[last].variance / by("linear, 0.5·I")[0].variance)} with 0.5·I; ` +
        `the backward signal grows or shrinks the same way toward the input, while every kernel gradient has the same size (forward and backward factors cancel).`,
      `The sigmoid verdict depends on the width: the per-layer gain χ = n·E[σ'²] ${crossing ? `passes 1 between widths ${sweep[sweep.findIndex((e) => e.width === crossing) - 1]?.width ?? "?"} and ${crossing}` : "stays below 1 over the widths tried"}, and the measured ratio follows χ^((L−1)/2): ` +
        `vanishing gradients for narrow layers, exploding ones for wide layers.`,
      "",
      markdownTable(header, rowsOf),
      "",
      markdownTable(sweepHeader, sweepRows),
    ].join("\n");
    const { summary, files } = writeStudyReport(this, outDir, size, {
      setup: {
        depth,
        width,
        batch,
        inputs: "standard normal (standardized), no biases",
        loss: "each output projected on its own random direction, averaged over the batch",
        "sigmoid sweep": `widths ${s.sweepWidths.join(", ")}; ${s.sweepSeeds} seed(s) each (geometric mean)`,
        seed,
      },
      figure,
      body: `<h2>Numbers</h2>\n${dataTable(header, rowsOf)}\n<h2>Sigmoid across widths</h2>\n${dataTable(sweepHeader, sweepRows)}`,
      result,
    });
    return { summary, files, data };
  },
};
