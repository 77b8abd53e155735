/**
 * Tensor specs (name, shape, kind) collected for a random-weight checkpoint, then drawn from
 * per-name seeded streams: the same seed and name give the same values whatever else is in the set.
 */
import type { NamedTensor } from './safetensors-writer.js';
import { SeededNormal } from './seeded-normal.js';

type Kind = 'weight' | 'bias' | 'gain' | 'embedding';

/** Collects tensor specs, then draws their values from per-name streams. */
export class TensorSet {
  private readonly specs: { name: string; shape: number[]; kind: Kind }[] = [];

  add(name: string, shape: number[], kind: Kind = 'weight'): this {
    this.specs.push({ name, shape, kind });
    return this;
  }

  /** A linear / conv layer: weight [out, in, ...kernel] and, unless `bias` is false, bias [out]. */
  layer(prefix: string, shape: number[], bias = true): this {
    this.add(`${prefix}.weight`, shape);
    if (bias) this.add(`${prefix}.bias`, [shape[0]!], 'bias');
    return this;
  }

  shapes(): Record<string, number[]> {
    return Object.fromEntries(this.specs.map((s) => [s.name, [...s.shape]]));
  }

  materialize(seed: number): NamedTensor[] {
    return this.specs.map(({ name, shape, kind }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const rng = new SeededNormal(seed, name);
      const fanIn = shape.length > 1 ? count / shape[0]! : 1;
      const data =
        kind === 'gain'
          ? rng.fill(count, 1, 0.1)
          : kind === 'bias'
            ? rng.fill(count, 0, 0.02)
            : kind === 'embedding'
              ? rng.fill(count, 0, 1)
              : rng.fill(count, 0, 1 / Math.sqrt(fanIn));
      return { name, shape, data };
    });
  }
}
