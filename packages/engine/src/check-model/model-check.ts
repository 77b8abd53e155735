/**
 * The model check (core/src/pipeline/model_check.h) from TypeScript: a diffusers folder's
 * components, each weight file read header-only, every parameter's presence, shape and dtype
 * checked without running anything. The same check runs inside every load.
 */
import { EngineError } from '../common/engine-error.js';
import { native } from '../common/native.js';

/** One component as found on disk. `bytes` = its parameters at their stored dtypes. */
export interface ComponentCheck {
  readonly name: string;
  readonly class: string;
  readonly dir: string;
  readonly index: string | null;
  readonly files: readonly string[];
  readonly tensors: number;
  readonly params: number;
  readonly bytes: number;
  /** Stored dtype -> tensor count. */
  readonly dtypes: Readonly<Record<string, number>>;
  /** Buffers the checkpoint holds that the engine recomputes (CLIP position_ids). */
  readonly ignored: readonly string[];
}

export interface ModelCheck {
  readonly dir: string;
  readonly pipeline: string;
  readonly components: readonly ComponentCheck[];
}

/** What model_index.json and the configs say a component holds: its tensors' names and shapes. */
export interface ComponentPlan {
  readonly class: string;
  readonly tensors: readonly (readonly [string, readonly number[]])[];
}

/** Checks `dir`; rejects with the EngineError naming the folder, file and tensor at fault. */
export async function checkModel(dir: string): Promise<ModelCheck> {
  try {
    return JSON.parse(await native().checkModel(dir)) as ModelCheck;
  } catch (err) {
    throw EngineError.fromNative(err, `check-model ${dir}`);
  }
}

/** The parameter list of every component, from the folder's configs alone (no weight file read). */
export async function modelPlan(dir: string): Promise<Record<string, ComponentPlan>> {
  try {
    return JSON.parse(await native().modelPlan(dir)) as Record<string, ComponentPlan>;
  } catch (err) {
    throw EngineError.fromNative(err, `model plan ${dir}`);
  }
}
