// The deep sigmoid networks of the batch-norm study, with and without batch normalization.
import * as ax from "@axon/axon";

const { nn } = ax;

/**
 * 784 → `depth` sigmoid layers of `width` → 10. With batch norm each hidden layer is
 * dense (no bias) → BatchNorm → sigmoid; without, dense (bias) → sigmoid. Glorot-normal kernels.
 */
export function denseSigmoidNet(
  depth: number,
  width: number,
  batchNorm: boolean,
  seed: number,
): ax.nn.Sequential {
  const layers: ax.nn.Module[] = [];
  let inputs = 784;
  for (let i = 0; i < depth; i++) {
    const kernelInitializer = nn.init.glorotNormal({ seed: seed * 1000 + i });
    if (batchNorm) {
      layers.push(new nn.Dense(inputs, width, { kernelInitializer, useBias: false }));
      layers.push(new nn.BatchNorm(width), new nn.Sigmoid());
    } else layers.push(new nn.Dense(inputs, width, { kernelInitializer, activation: ax.sigmoid }));
    inputs = width;
  }
  layers.push(
    new nn.Dense(inputs, 10, { kernelInitializer: nn.init.glorotNormal({ seed: seed * 1000 + depth }) }),
  );
  return new nn.Sequential(layers);
}

/**
 * A convolutional sigmoid network on 28×28×1 images: two 3×3 stride-2 convolutions (28 → 14 → 7),
 * then `depth − 2` more at 7×7, `channels` each, global average pooling and a dense head. With
 * batch norm each convolution (no bias) is followed by a per-channel BatchNorm before the sigmoid.
 */
export function convSigmoidNet(
  depth: number,
  channels: number,
  batchNorm: boolean,
  seed: number,
): ax.nn.Sequential {
  const layers: ax.nn.Module[] = [];
  let inputs = 1;
  for (let i = 0; i < depth; i++) {
    const kernelInitializer = nn.init.glorotNormal({ seed: seed * 1000 + i });
    const strides = i < 2 ? 2 : 1;
    if (batchNorm) {
      layers.push(
        new nn.Conv2d(inputs, channels, 3, { strides, padding: "same", kernelInitializer, useBias: false }),
      );
      layers.push(new nn.BatchNorm(channels), new nn.Sigmoid());
    } else
      layers.push(
        new nn.Conv2d(inputs, channels, 3, {
          strides,
          padding: "same",
          kernelInitializer,
          activation: ax.sigmoid,
        }),
      );
    inputs = channels;
  }
  layers.push(new nn.GlobalAvgPool2d());
  layers.push(
    new nn.Dense(channels, 10, { kernelInitializer: nn.init.glorotNormal({ seed: seed * 1000 + depth }) }),
  );
  return new nn.Sequential(layers);
}

/** The batch-norm layers of a model, in order. */
export function batchNormLayers(model: ax.nn.Module): ax.nn.BatchNorm[] {
  return model
    .namedModules()
    .map(([, m]) => m)
    .filter((m): m is ax.nn.BatchNorm => m instanceof nn.BatchNorm);
}

/**
 * The mean loss and accuracy of a classifier on `ds` when every batch norm uses the statistics of the
 * evaluated batch (training-mode normalization) instead of its running statistics, which are left unchanged.
 */
export function evaluateWithBatchStatistics(
  model: ax.nn.Module,
  ds: ax.data.Dataset,
  batchSize: number,
): { loss: number; accuracy: number } {
  const norms = batchNormLayers(model);
  const saved = norms.map((b) => [
    b.movingMean.value.dataSync().slice(),
    b.movingVariance.value.dataSync().slice(),
  ]);
  const wasTraining = model.training;
  model.train();
  let loss = 0;
  let correct = 0;
  const n = ds.shape[0];
  const features = ds.x.length / n;
  for (let start = 0; start + batchSize <= n; start += batchSize) {
    ax.tidy(() => {
      const x = ax.tensor(ds.x.subarray(start * features, (start + batchSize) * features), [
        batchSize,
        ...ds.shape.slice(1),
      ]);
      const y = ax.tensor((ds.y as Int32Array).subarray(start, start + batchSize), [batchSize], "int32");
      const logits = ax.noGrad(() => model.call(x));
      loss += ax.softmaxCrossEntropy(logits, y, { reduction: "sum" }).dataSync()[0];
      correct += ax.sum(ax.cast(ax.equal(ax.argmax(logits, -1), y), "float32")).dataSync()[0];
    });
  }
  norms.forEach((b, i) => {
    b.movingMean.assign(ax.tensor(saved[i][0] as Float32Array, [b.numFeatures]));
    b.movingVariance.assign(ax.tensor(saved[i][1] as Float32Array, [b.numFeatures]));
  });
  model.train(wasTraining);
  const used = Math.floor(n / batchSize) * batchSize;
  return { loss: loss / used, accuracy: correct / used };
}
