/**
 * The image-to-video additions of the tiny WAN checkpoint (diffusers' WanImageToVideoPipeline
 * layout): the transformer's image embedder and added cross-attention keys / values, a tiny
 * CLIPVisionModel for image_encoder/ and a CLIPImageProcessor config for image_processor/. Sizes
 * are tiny so tests run in seconds; the structure is that of Wan2.1-I2V-14B (ViT-H/14, penultimate
 * hidden state, 36 transformer input channels).
 */
import type { TensorSet } from '../checkpoint-writer/tensor-set.js';

/** CLIP vision tower: hidden 16 = the transformer's image_dim, 32 x 32 images in 8 x 8 patches. */
export const TINY_CLIP_VISION = {
  hidden: 16,
  layers: 2,
  heads: 2,
  intermediate: 32,
  imageSize: 32,
  patch: 8,
};

/** Latents (16) + first-frame mask (4) + condition latents (16). */
export const I2V_IN_CHANNELS = 36;

/** Adds the image embedder and each block's add_k_proj / add_v_proj / norm_added_k. */
export function addImageConditioning(t: TensorSet, dim: number, layers: number): TensorSet {
  const image = TINY_CLIP_VISION.hidden;
  const e = 'condition_embedder.image_embedder';
  t.add(`${e}.norm1.weight`, [image], 'gain').add(`${e}.norm1.bias`, [image], 'bias');
  t.layer(`${e}.ff.net.0.proj`, [image, image]).layer(`${e}.ff.net.2`, [dim, image]);
  t.add(`${e}.norm2.weight`, [dim], 'gain').add(`${e}.norm2.bias`, [dim], 'bias');
  for (let i = 0; i < layers; i++) {
    const a = `blocks.${i}.attn2`;
    t.layer(`${a}.add_k_proj`, [dim, dim]).layer(`${a}.add_v_proj`, [dim, dim]);
    t.add(`${a}.norm_added_k.weight`, [dim], 'gain');
  }
  return t;
}

/** transformers CLIPVisionModel weights (vision_model.*). */
export function clipVisionTensors(t: TensorSet): TensorSet {
  const { hidden: d, layers, intermediate, imageSize, patch } = TINY_CLIP_VISION;
  const tokens = (imageSize / patch) ** 2 + 1;
  const v = 'vision_model';
  t.add(`${v}.embeddings.class_embedding`, [d], 'embedding');
  t.add(`${v}.embeddings.patch_embedding.weight`, [d, 3, patch, patch]);
  t.add(`${v}.embeddings.position_embedding.weight`, [tokens, d], 'embedding');
  t.add(`${v}.pre_layrnorm.weight`, [d], 'gain').add(`${v}.pre_layrnorm.bias`, [d], 'bias');
  for (let i = 0; i < layers; i++) {
    const p = `${v}.encoder.layers.${i}`;
    for (const m of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) t.layer(`${p}.self_attn.${m}`, [d, d]);
    t.add(`${p}.layer_norm1.weight`, [d], 'gain').add(`${p}.layer_norm1.bias`, [d], 'bias');
    t.add(`${p}.layer_norm2.weight`, [d], 'gain').add(`${p}.layer_norm2.bias`, [d], 'bias');
    t.layer(`${p}.mlp.fc1`, [intermediate, d]).layer(`${p}.mlp.fc2`, [d, intermediate]);
  }
  return t.add(`${v}.post_layernorm.weight`, [d], 'gain').add(`${v}.post_layernorm.bias`, [d], 'bias');
}

/** The config files an I2V checkpoint adds (image_encoder/, image_processor/). */
export function imageConfigs() {
  const c = TINY_CLIP_VISION;
  return {
    'image_encoder/config.json': {
      architectures: ['CLIPVisionModel'],
      attention_dropout: 0.0,
      dropout: 0.0,
      hidden_act: 'gelu',
      hidden_size: c.hidden,
      image_size: c.imageSize,
      initializer_factor: 1.0,
      initializer_range: 0.02,
      intermediate_size: c.intermediate,
      layer_norm_eps: 1e-5,
      model_type: 'clip_vision_model',
      num_attention_heads: c.heads,
      num_channels: 3,
      num_hidden_layers: c.layers,
      patch_size: c.patch,
      projection_dim: c.hidden,
      torch_dtype: 'float32',
    },
    'image_processor/preprocessor_config.json': {
      crop_size: { height: c.imageSize, width: c.imageSize },
      do_center_crop: true,
      do_convert_rgb: true,
      do_normalize: true,
      do_rescale: true,
      do_resize: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_processor_type: 'CLIPImageProcessor',
      image_std: [0.26862954, 0.26130258, 0.27577711],
      resample: 3,
      rescale_factor: 0.00392156862745098,
      size: { shortest_edge: c.imageSize },
    },
  };
}
