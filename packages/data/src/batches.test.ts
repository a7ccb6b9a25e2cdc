import * as ax from "@axon/core";
import { describe, expect, it } from "vitest";
import { DataLoader, batches, numBatches } from "./batches.ts";
import { makeDataset } from "./dataset.ts";
import { numberedDataset, useCpuBackend } from "./test-helpers.ts";

useCpuBackend();

const orderOf = (loader: DataLoader, epoch: number) =>
  [...loader.hostBatches(epoch)].flatMap((b) => Array.from(b.indices));

describe("DataLoader", () => {
  const data = numberedDataset(10, 3, 3);

  it("visits every example exactly once per epoch, the last batch partial", () => {
    const loader = new DataLoader(data, { batchSize: 4, seed: 7 });
    expect(loader.numBatches).toBe(3);
    for (const epoch of [0, 1, 5]) {
      const list = [...loader.hostBatches(epoch)];
      expect(list.map((b) => b.size)).toEqual([4, 4, 2]);
      expect(list.map((b) => b.index)).toEqual([0, 1, 2]);
      expect(list.every((b) => b.epoch === epoch)).toBe(true);
      expect(list.map((b) => b.shape)).toEqual([
        [4, 3],
        [4, 3],
        [2, 3],
      ]);
      const seen = list.flatMap((b) => Array.from(b.indices));
      expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it("keeps inputs and labels paired", () => {
    const loader = new DataLoader(data, { batchSize: 3, seed: 1 });
    for (const b of loader.hostBatches(2))
      for (let r = 0; r < b.size; r++) {
        const example = b.indices[r];
        expect(Array.from(b.x.subarray(r * 3, r * 3 + 3))).toEqual([
          example * 1000,
          example * 1000 + 1,
          example * 1000 + 2,
        ]);
        expect(b.y[r]).toBe(example % 3);
      }
  });

  it("same seed and epoch: same order; another epoch or seed: another order", () => {
    const big = numberedDataset(100, 1);
    const a = new DataLoader(big, { batchSize: 16, seed: 42 });
    const b = new DataLoader(big, { batchSize: 16, seed: 42 });
    expect(orderOf(a, 3)).toEqual(orderOf(b, 3));
    expect(orderOf(a, 3)).not.toEqual(orderOf(a, 4));
    expect(orderOf(a, 0)).not.toEqual(orderOf(new DataLoader(big, { batchSize: 16, seed: 43 }), 0));
    // the batch size does not change the order, only where it is cut
    expect(orderOf(new DataLoader(big, { batchSize: 7, seed: 42 }), 3)).toEqual(orderOf(a, 3));
    expect(orderOf(a, 0)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("dropRemainder leaves out the partial batch; shuffle: false keeps the order", () => {
    const loader = new DataLoader(data, { batchSize: 4, seed: 7, dropRemainder: true });
    expect(loader.numBatches).toBe(2);
    const list = [...loader.hostBatches(0)];
    expect(list.map((b) => b.size)).toEqual([4, 4]);
    const seen = list.flatMap((b) => Array.from(b.indices));
    expect(new Set(seen).size).toBe(8);
    expect(seen).toEqual(orderOf(new DataLoader(data, { batchSize: 4, seed: 7 }), 0).slice(0, 8));
    const inOrder = new DataLoader(data, { batchSize: 4, shuffle: false });
    expect(orderOf(inOrder, 3)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new DataLoader(data, { batchSize: 5, dropRemainder: true }).numBatches).toBe(2);
    expect(new DataLoader(data, { batchSize: 11, dropRemainder: true }).numBatches).toBe(0);
    expect(numBatches(10, 11)).toBe(1);
  });

  it("makes tensor batches holding the same rows, and releases them on dispose", () => {
    const loader = new DataLoader(data, { batchSize: 4, seed: 3 });
    const host = [...loader.hostBatches(1)];
    const before = ax.memory().numTensors;
    let k = 0;
    for (const b of loader.batches(1)) {
      expect(b.x.shape).toEqual([host[k].size, 3]);
      expect(b.x.dtype).toBe("float32");
      expect(b.y.shape).toEqual([host[k].size]);
      expect(b.y.dtype).toBe("int32");
      expect(Array.from(b.x.dataSync())).toEqual(Array.from(host[k].x));
      expect(Array.from(b.y.dataSync())).toEqual(Array.from(host[k].y));
      expect(b.indices).toEqual(host[k].indices);
      b.dispose();
      expect(ax.memory().numTensors).toBe(before);
      k++;
    }
    expect(k).toBe(3);
  });

  it("batches images in their shape and float targets in theirs", () => {
    const x = Float32Array.from({ length: 5 * 2 * 2 * 1 }, (_, i) => i);
    const y = Float32Array.from({ length: 10 }, (_, i) => i / 2);
    const images = makeDataset({ x, y, shape: [5, 2, 2, 1], labelShape: [5, 2] });
    const list = [...batches(images, { batchSize: 2, shuffle: false })];
    expect(list.map((b) => b.x.shape)).toEqual([
      [2, 2, 2, 1],
      [2, 2, 2, 1],
      [1, 2, 2, 1],
    ]);
    expect(list[2].y.shape).toEqual([1, 2]);
    expect(list[2].y.dtype).toBe("float32");
    expect(Array.from(list[2].y.dataSync())).toEqual([4, 4.5]);
    expect(Array.from(list[1].x.dataSync())).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    for (const b of list) b.dispose();
  });

  it("iterates over epochs from any start, each with its own order", () => {
    const loader = new DataLoader(numberedDataset(30, 1), { batchSize: 8, seed: 5 });
    const orders: number[][] = [];
    for (const { epoch, batches: epochBatches } of loader.epochs(3, 2)) {
      const order: number[] = [];
      for (const b of epochBatches) {
        order.push(...b.indices);
        b.dispose();
      }
      expect(order).toEqual(orderOf(loader, epoch));
      orders.push(order);
    }
    expect(orders.length).toBe(3);
    expect(new Set(orders.map((o) => o.join())).size).toBe(3);
  });

  it("does not copy the data set", () => {
    const loader = new DataLoader(data, { batchSize: 4 });
    expect(loader.data.x).toBe(data.x);
    expect(loader.data.y).toBe(data.y);
  });

  it("refuses bad options", () => {
    expect(() => new DataLoader(data, { batchSize: 0 })).toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    expect(() => new DataLoader(data, { batchSize: 2.5 })).toThrow(/batchSize/);
    expect(() => new DataLoader(data, { batchSize: 2, seed: -1 })).toThrow(
      /seed must be a non-negative integer/,
    );
    expect(() => new DataLoader(data, { batchSize: 2 }).order(-1)).toThrow(/epoch must be/);
  });
});
