/**
 * What we ask the model. Qwen2.5-7B-Instruct (the configured 7B) is a ChatML model: node-llama-cpp
 * renders these messages with the chat template stored in the GGUF, so the same messages work
 * for the real model and the tiny one. The instructions are short on purpose: a 7B model follows
 * a few concrete rules better than a long style guide.
 */

export type EnhanceTarget = 'image' | 'video';

export interface EnhancerMessages {
  system: string;
  user: string;
}

const SHARED_RULES = [
  'Keep the subject, count, and any names or text from the original prompt exactly.',
  'Add concrete visual detail: setting, lighting, colors, materials, composition, lens and mood.',
  'Write one paragraph of plain prose, 60 to 120 words, in English.',
  'Reply with the rewritten prompt only: no title, no quotes, no lists, no explanations.',
];

const TARGET_RULES: Record<EnhanceTarget, string> = {
  image: 'The prompt is for a single still image.',
  video: 'The prompt is for a short video clip: describe the motion of the subject and of the camera.',
};

export function buildEnhancerMessages(prompt: string, target: EnhanceTarget): EnhancerMessages {
  const system = [
    'You rewrite short prompts for a text-to-image and text-to-video model into detailed prompts.',
    TARGET_RULES[target],
    ...SHARED_RULES,
  ].join('\n');
  return { system, user: `Rewrite this prompt:\n${prompt.trim()}` };
}

/**
 * The ChatML text a Qwen-style template produces for these messages; used by tests and logs to
 * show exactly what the model sees. Generation itself goes through the model's own template.
 */
export function renderChatMl(messages: EnhancerMessages): string {
  return (
    `<|im_start|>system\n${messages.system}<|im_end|>\n` +
    `<|im_start|>user\n${messages.user}<|im_end|>\n` +
    '<|im_start|>assistant\n'
  );
}
