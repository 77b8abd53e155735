/**
 * WanPipeline's prompt_clean: HTML entities unescaped twice, then whitespace runs collapsed and the
 * ends trimmed. ftfy's mojibake repair is not reproduced (it leaves ordinary text unchanged).
 */
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

export function wanPromptClean(text: string): string {
  return unescapeHtml(unescapeHtml(text)).trim().replace(/\s+/g, ' ').trim();
}
