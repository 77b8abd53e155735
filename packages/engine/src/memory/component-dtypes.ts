/**
 * Which dtype each component is stored in, from the setting, the published files and the device.
 * `auto`: the published dtype, except that fp32-published WAN transformer and UMT5 text encoder
 * weights go to bf16 on a GPU (WAN was trained in bf16; fp32 does not fit a 24 GB card for 1.3B
 * or an 80 GB one for 14B). Whatever the setting, a VAE whose config says `force_upcast` stays
 * fp32 (diffusers upcasts it: the SDXL VAE overflows fp16), and the WAN VAE stays fp32 (the
 * native loader keeps its small 3D kernels in fp32).
 */
import type { StorageDtype, WeightDtype } from './weight-dtype.js';

export type ModelFamily = 'sdxl' | 'wan';
export type PlanDevice = 'cpu' | 'cuda';

export interface ComponentFacts {
  readonly name: string;
  /** The dtype most of its parameters are published in, as storage. */
  readonly published: StorageDtype;
  /** Its config.json sets force_upcast (SDXL VAE). */
  readonly forceUpcast: boolean;
}

const WAN_BF16_ON_GPU = new Set(['transformer', 'text_encoder']);

export function componentDtype(
  family: ModelFamily,
  component: ComponentFacts,
  setting: WeightDtype,
  device: PlanDevice,
): StorageDtype {
  if (component.forceUpcast) return 'fp32';
  if (family === 'wan' && component.name === 'vae') return 'fp32';
  if (setting !== 'auto') return setting;
  if (
    family === 'wan' &&
    device === 'cuda' &&
    component.published === 'fp32' &&
    WAN_BF16_ON_GPU.has(component.name)
  ) {
    return 'bf16';
  }
  return component.published;
}
