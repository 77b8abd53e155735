/**
 * Deterministic pseudo-random normals for synthetic weights: a SplitMix64 stream per tensor
 * (keyed by the seed and the tensor's name, so adding a tensor does not shift the others) and
 * Box-Muller. Same seed and name, same values on every platform.
 */
const MASK64 = (1n << 64n) - 1n;

function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

export class SeededNormal {
  private state: bigint;
  private spare: number | undefined;

  constructor(seed: number, stream: string) {
    this.state = (BigInt(seed) * 0x9e3779b97f4a7c15n + fnv1a64(stream)) & MASK64;
  }

  /** Uniform in (0, 1) with 53 random bits. */
  uniform(): number {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    z ^= z >> 31n;
    return (Number(z >> 11n) + 0.5) / 2 ** 53;
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `count` float32 values mean + std * N(0, 1). */
  fill(count: number, mean: number, std: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = mean + std * this.normal();
    return out;
  }
}
