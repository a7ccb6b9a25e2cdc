// A short tour of Axon's tensors: creation, broadcasting, reductions, printing, memory, and a
// two-layer network trained on a spiral data set with gradients derived by hand.
import * as ax from "@axon/axon";

const log = (title: string) => console.log(`\n== ${title}`);

log("tensors");
const x = ax.tensor([
  [1, 2, 3],
  [4, 5, 6],
]);
console.log(`shape [${x.shape}], dtype ${x.dtype}, size ${x.size}`);
x.print();

log("broadcasting: a row is added to every row, a column to every column");
x.add(ax.tensor([10, 20, 30])).print();
x.mul(ax.tensor([[1], [-1]])).print();

log("reductions with negative axes and keepDims");
x.sum(-1).print();
x.mean(0, true).print();
ax.softmax(x).print();

log("dtype promotion: int32 + float32 is float32; a JS number takes the tensor's dtype");
const i = ax.tensor([1, 2, 3], undefined, "int32");
console.log(i.add(0.5).dtype, i.add(2).dtype, i.add(ax.tensor([0.5, 0.5, 0.5])).dtype);

log("large tensors print abbreviated");
ax.arange(0, 2000).reshape([40, 50]).print();

log("errors name the op, the argument, what was expected and what was given");
try {
  ax.matmul(ax.zeros([32, 784]), ax.zeros([100, 10]));
} catch (e) {
  console.log(`${(e as Error).name}: ${(e as Error).message}`);
}

log("a two-layer network on a spiral (3 classes), gradients derived by hand");
const perClass = 100;
const classes = 3;
const points: number[][] = [];
const labels: number[] = [];
for (let c = 0; c < classes; c++) {
  for (let k = 0; k < perClass; k++) {
    const r = k / perClass;
    const t = c * 4 + 4 * r + 0.2 * Math.sin(37 * k + 11 * c); // deterministic jitter
    points.push([r * Math.sin(t), r * Math.cos(t)]);
    labels.push(c);
  }
}
const X = ax.tensor(points);
const Y = ax.oneHot(ax.tensor(labels, undefined, "int32"), classes);
const n = points.length;
const hidden = 64;
let W1 = ax.randomNormal([2, hidden], { stddev: Math.sqrt(2 / 2), seed: 1 });
let b1 = ax.zeros([hidden]);
let W2 = ax.randomNormal([hidden, classes], { stddev: Math.sqrt(2 / hidden), seed: 2 });
let b2 = ax.zeros([classes]);
const lr = 1;

for (let step = 0; step <= 2000; step++) {
  const [nW1, nb1, nW2, nb2, loss, accuracy] = ax.tidy(() => {
    const h = X.matmul(W1).add(b1).relu();
    const logits = h.matmul(W2).add(b2);
    const logProbs = ax.logSoftmax(logits);
    const lossValue = logProbs.mul(Y).sum().neg().div(n);
    // Softmax cross-entropy: dL/dlogits = (softmax − onehot) / n, then back through the layers.
    const dLogits = ax.exp(logProbs).sub(Y).div(n);
    const dW2 = h.matmul(dLogits, true, false);
    const db2 = dLogits.sum(0);
    const dH = dLogits.matmul(W2, false, true).mul(h.greater(0).cast("float32"));
    const dW1 = X.matmul(dH, true, false);
    const db1 = dH.sum(0);
    const acc = logits
      .argmax(-1)
      .equal(ax.tensor(labels, undefined, "int32"))
      .cast("float32")
      .mean();
    return [
      W1.sub(dW1.mul(lr)),
      b1.sub(db1.mul(lr)),
      W2.sub(dW2.mul(lr)),
      b2.sub(db2.mul(lr)),
      lossValue,
      acc,
    ];
  });
  ax.dispose([W1, b1, W2, b2]);
  [W1, b1, W2, b2] = [nW1, nb1, nW2, nb2];
  if (step % 400 === 0) {
    console.log(
      `step ${String(step).padStart(4)}  loss ${loss.dataSync()[0].toFixed(4)}  accuracy ${(accuracy.dataSync()[0] * 100).toFixed(1)}%`,
    );
  }
  ax.dispose([loss, accuracy]);
}

log("memory: live tensors and bytes per backend");
console.log(ax.memory());
