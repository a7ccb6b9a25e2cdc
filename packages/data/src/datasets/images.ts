import { ShapeError } from "@axon/core";
import { type Dataset, makeDataset } from "../dataset.ts";

export interface ImageDatasetOptions {
  /** Divide the pixels by 255 to lie in [0, 1] (default true); false keeps 0..255. */
  readonly scale?: boolean;
  /** The shape of one example: `[28, 28]` by default, `[784]` for a dense model, `[28, 28, 1]` for conv2d (NHWC). */
  readonly featureShape?: readonly number[];
}

/** A classification data set from 8-bit greyscale images, one label per image. */
export function imageDataset(
  op: string,
  pixels: Uint8Array,
  labels: Int32Array,
  imageShape: readonly [number, number],
  classNames: readonly string[],
  options: ImageDatasetOptions,
): Dataset {
  const featureShape = options.featureShape ?? imageShape;
  const size = imageShape[0] * imageShape[1];
  if (
    !Array.isArray(featureShape) ||
    featureShape.some((d) => !Number.isInteger(d) || d < 1) ||
    featureShape.reduce((a, b) => a * b, 1) !== size
  )
    throw new ShapeError(
      `${op}: featureShape must hold the ${size} pixels of a ${imageShape.join("×")} image (e.g. [${imageShape.join(", ")}], [${size}] or [${imageShape.join(", ")}, 1]), got ${JSON.stringify(featureShape)}`,
    );
  const x = new Float32Array(pixels.length);
  if (options.scale ?? true) for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  else x.set(pixels);
  return makeDataset({
    x,
    y: labels,
    shape: [labels.length, ...featureShape],
    numClasses: classNames.length,
    classNames,
  });
}
