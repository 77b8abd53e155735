/**
 * Free text a worker puts in a report (an error message, an enhanced prompt) as the callback
 * service accepts it. Postgres text cannot hold U+0000 and the payload bounds each field's length;
 * a report breaking either rule is refused (400), and a refused failure report would leave the
 * task In Progress until the dead-letter watcher noticed it.
 */
const NUL = String.fromCharCode(0);

export function reportableText(text: string, maxChars: number): string {
  const clean = text.split(NUL).join('');
  if (clean.length <= maxChars) return clean;
  let cut = clean.slice(0, maxChars - 1);
  // A cut between the halves of a surrogate pair would leave half a character.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}
