/**
 * A minimal ONNX model writer (protocol buffers by hand): one graph of one operator, float32 inputs
 * and outputs, so that onnxruntime-node runs the same primitive as the other engines.
 */

class Proto {
  readonly bytes: number[] = [];

  varint(v: number): this {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) b |= 0x80;
      this.bytes.push(b);
    } while (x !== 0n);
    return this;
  }

  int(field: number, v: number): this {
    return this.varint(field << 3).varint(v);
  }

  bytesField(field: number, b: readonly number[]): this {
    this.varint((field << 3) | 2).varint(b.length);
    this.bytes.push(...b);
    return this;
  }

  str(field: number, s: string): this {
    return this.bytesField(field, Array.from(new TextEncoder().encode(s)));
  }

  msg(field: number, m: Proto): this {
    return this.bytesField(field, m.bytes);
  }
}

const FLOAT = 1;

function valueInfo(name: string, shape: readonly number[] | null): Proto {
  const tensor = new Proto().int(1, FLOAT);
  if (shape) {
    const s = new Proto();
    for (const d of shape) s.msg(1, new Proto().int(1, d));
    tensor.msg(2, s);
  }
  return new Proto().str(1, name).msg(2, new Proto().msg(1, tensor));
}

/** Attributes: integers, or lists of integers. */
export type Attrs = Record<string, number | readonly number[]>;

/** A model computing `op(inputs…)` into output "y". */
export function singleOpModel(
  op: string,
  inputs: readonly (readonly number[])[],
  attrs: Attrs = {},
): Uint8Array {
  const node = new Proto();
  for (let i = 0; i < inputs.length; i++) node.str(1, `x${i}`);
  node.str(2, "y").str(4, op);
  for (const [name, v] of Object.entries(attrs)) {
    const a = new Proto().str(1, name);
    if (typeof v === "number") a.int(3, v).int(20, 2);
    else {
      for (const x of v) a.int(8, x);
      a.int(20, 7);
    }
    node.msg(5, a);
  }
  const graph = new Proto().msg(1, node).str(2, "g");
  for (let i = 0; i < inputs.length; i++) graph.msg(11, valueInfo(`x${i}`, inputs[i]));
  graph.msg(12, valueInfo("y", null));
  const model = new Proto().int(1, 8).msg(8, new Proto().str(1, "").int(2, 17)).msg(7, graph);
  return new Uint8Array(model.bytes);
}
