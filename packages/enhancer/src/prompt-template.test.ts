import { describe, expect, it } from 'vitest';
import { buildEnhancerMessages, renderChatMl } from './prompt-template.js';

describe('buildEnhancerMessages', () => {
  it("puts the user's prompt, trimmed, in the user turn", () => {
    const messages = buildEnhancerMessages('  a cat on a roof ', 'video');
    expect(messages.user).toContain('a cat on a roof');
    expect(messages.user).not.toContain('  a cat');
  });

  it('asks for motion for video and not for images', () => {
    expect(buildEnhancerMessages('x', 'video').system).toMatch(/motion/);
    expect(buildEnhancerMessages('x', 'image').system).not.toMatch(/motion/);
  });

  it('renders ChatML as Qwen2.5-Instruct expects, ending with an open assistant turn', () => {
    const text = renderChatMl(buildEnhancerMessages('a lighthouse at dusk', 'image'));
    expect(text).toMatch(/^<\|im_start\|>system\n/);
    expect(text).toContain('<|im_start|>user\nRewrite this prompt:\na lighthouse at dusk<|im_end|>\n');
    expect(text.endsWith('<|im_start|>assistant\n')).toBe(true);
  });
});
