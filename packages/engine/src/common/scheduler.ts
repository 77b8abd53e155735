import { EngineError } from './engine-error.js';
import { native } from './native.js';
import { checkTensor, type TensorF32 } from './tensor.js';

/** `euler_a` is the job catalog's name for Euler ancestral (packages/job-types). */
export const SCHEDULER_NAMES = [
  'euler',
  'euler_ancestral',
  'euler_a',
  'dpmpp_2m',
  'dpmpp_2m_karras',
] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export interface SchedulerTables {
  /** Float for the Euler family, whole numbers for DPM (diffusers' int64 timesteps). */
  readonly timesteps: Float64Array;
  /** steps + 1 values, the last being the final sigma. */
  readonly sigmas: Float32Array;
  readonly integerTimesteps: boolean;
  readonly initNoiseSigma: number;
  /** Euler ancestral draws noise each step: pass it to step(). */
  readonly needsNoise: boolean;
}

/**
 * One sampler run, stepped from JS (the stage-by-stage API). Steps must be taken in order:
 * DPM++ keeps the previous prediction.
 */
export class Scheduler {
  readonly tables: SchedulerTables;

  private constructor(private readonly handle: ReturnType<typeof createNative>) {
    this.tables = handle.tables();
  }

  /**
   * @param configJson diffusers scheduler_config.json text (`-Infinity` is accepted)
   * @param name a named sampler built from that config, or undefined for the config itself
   */
  static create(configJson: string, steps: number, name?: SchedulerName): Scheduler {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new EngineError('GPUQ_INVALID_ARGUMENT', `expected a positive integer for steps, got ${steps}`);
    }
    if (name !== undefined && !SCHEDULER_NAMES.includes(name)) {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `expected one of ${SCHEDULER_NAMES.join(', ')} for scheduler, got ${name}`,
      );
    }
    return new Scheduler(createNative(configJson, name ?? '', steps));
  }

  get steps(): number {
    return this.tables.timesteps.length;
  }

  /** scale_model_input as a factor for step i. */
  inputScale(step: number): number {
    return this.handle.inputScale(step);
  }

  step(modelOutput: TensorF32, step: number, sample: TensorF32, noise?: TensorF32): TensorF32 {
    checkTensor(modelOutput, 'modelOutput');
    checkTensor(sample, 'sample', modelOutput.shape);
    if (noise) checkTensor(noise, 'noise', sample.shape);
    try {
      return this.handle.step(modelOutput, step, sample, noise);
    } catch (err) {
      throw EngineError.fromNative(err, 'scheduler step');
    }
  }
}

function createNative(configJson: string, name: string, steps: number) {
  try {
    return new (native().NativeScheduler)(configJson, name, steps);
  } catch (err) {
    throw EngineError.fromNative(err, 'scheduler');
  }
}
