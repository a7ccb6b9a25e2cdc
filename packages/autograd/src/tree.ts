import { Tensor, ValueError } from "@axon/core";

/**
 * Trees are nested arrays, plain objects and Maps whose leaves are tensors (a model's
 * parameters, a batch of inputs). Anything else inside a tree (numbers, strings, null, class
 * instances) is static: it is carried through unchanged and gets no gradient.
 */

/** A mutable cell holding a tensor (such as a model parameter): a non-plain object with a tensor `value`. */
export interface TensorCell {
  readonly value: Tensor;
}

/** The gradient tree of a tree: the same structure, a tensor per tensor leaf, null for static leaves. */
export type GradTree<T> = T extends Tensor
  ? Tensor
  : T extends TensorCell
    ? Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: GradTree<T[K]> }
      : T extends Map<infer K, infer V>
        ? Map<K, GradTree<V>>
        : T extends object
          ? { -readonly [K in keyof T]: GradTree<T[K]> }
          : null;

type Def =
  | { kind: "leaf" }
  | { kind: "static"; value: unknown }
  | { kind: "array"; items: Def[] }
  | { kind: "object"; keys: string[]; items: Def[] }
  | { kind: "map"; keys: unknown[]; items: Def[] };

/** The leaves of a tree in a fixed order, where they sit, and how to put new leaves back. */
export interface FlatTree {
  readonly leaves: Tensor[];
  /** Where each leaf sits, for messages: `.layers[1].kernel`; "" for a tensor given alone. */
  readonly paths: string[];
  /** The same structure with `leaves` in place of the tensors and `onStatic(v)` in place of static leaves. */
  rebuild(leaves: readonly unknown[], onStatic?: (value: unknown) => unknown): unknown;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** True for a class instance (not a plain object) whose `value` is a tensor. */
export function isTensorCell(x: unknown): x is TensorCell {
  return (
    x !== null &&
    typeof x === "object" &&
    !isPlainObject(x) &&
    !Array.isArray(x) &&
    (x as TensorCell).value instanceof Tensor
  );
}

/** Flattens a tree; with `cells`, a `TensorCell` counts as the leaf holding its tensor. */
export function flattenTree(tree: unknown, options: { cells?: boolean } = {}): FlatTree {
  const leaves: Tensor[] = [];
  const paths: string[] = [];
  const onPath = new Set<unknown>();
  const walk = (x: unknown, path: string): Def => {
    if (x instanceof Tensor) {
      leaves.push(x);
      paths.push(path);
      return { kind: "leaf" };
    }
    if (options.cells && isTensorCell(x)) {
      leaves.push(x.value);
      paths.push(path);
      return { kind: "leaf" };
    }
    const container = Array.isArray(x) || isPlainObject(x) || x instanceof Map;
    if (!container) return { kind: "static", value: x };
    if (onPath.has(x)) throw new ValueError(`tree: the structure refers to itself at '${path || "(root)"}'`);
    onPath.add(x);
    let def: Def;
    if (Array.isArray(x)) def = { kind: "array", items: x.map((v, i) => walk(v, `${path}[${i}]`)) };
    else if (x instanceof Map) {
      const keys = [...x.keys()];
      def = { kind: "map", keys, items: keys.map((k) => walk(x.get(k), `${path}.get(${String(k)})`)) };
    } else {
      const keys = Object.keys(x);
      def = { kind: "object", keys, items: keys.map((k) => walk(x[k], `${path}.${k}`)) };
    }
    onPath.delete(x);
    return def;
  };
  const root = walk(tree, "");
  return {
    leaves,
    paths,
    rebuild(newLeaves, onStatic = (v) => v) {
      if (newLeaves.length !== leaves.length) {
        throw new ValueError(
          `tree: expected ${leaves.length} leaves to rebuild the structure, got ${newLeaves.length}`,
        );
      }
      let next = 0;
      const build = (d: Def): unknown => {
        switch (d.kind) {
          case "leaf":
            return newLeaves[next++];
          case "static":
            return onStatic(d.value);
          case "array":
            return d.items.map(build);
          case "object": {
            const out: Record<string, unknown> = {};
            d.keys.forEach((k, i) => {
              out[k] = build(d.items[i]);
            });
            return out;
          }
          case "map":
            return new Map(d.keys.map((k, i) => [k, build(d.items[i])]));
        }
      };
      return build(root);
    },
  };
}

/** Every tensor in a tree (cells excluded), in order. */
export function treeLeaves(tree: unknown): Tensor[] {
  return flattenTree(tree).leaves;
}
