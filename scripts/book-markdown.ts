// Markdown with TeX to HTML for the book: formulas are cut out before the markdown parser sees them
// (it would eat their backslashes and underscores), typeset with KaTeX, and put back.
import katex from 'katex';
import { marked } from 'marked';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** KaTeX's HTML for one formula; one it cannot parse (an unknown command too) becomes a marked error. */
function typeset(tex: string, display: boolean): string {
  try {
    return katex.renderToString(tex, { displayMode: display, throwOnError: true, output: 'html' });
  } catch (e) {
    return `<span class="katex-error" title="${escapeHtml(String(e)).replace(/"/g, '&quot;')}">${escapeHtml(tex)}</span>`;
  }
}

/** Renders markdown whose $...$ and $$...$$ are TeX; code spans and fenced blocks are left alone. */
export function markdownToHtml(source: string): string {
  const formulas: string[] = [];
  const hold = (tex: string, display: boolean) => {
    formulas.push(typeset(tex.trim(), display));
    return `KATEXFORMULA${formulas.length - 1}X`;
  };
  let text = '';
  for (let i = 0; i < source.length;) {
    const rest = source.slice(i);
    const fence = /^```[\s\S]*?```/.exec(rest) ?? /^`[^`\n]*`/.exec(rest);
    if (fence) {
      text += fence[0];
      i += fence[0].length;
      continue;
    }
    const display = /^\$\$([\s\S]+?)\$\$/.exec(rest);
    if (display) {
      text += `\n\n${hold(display[1], true)}\n\n`;
      i += display[0].length;
      continue;
    }
    const inline = source[i - 1] !== '\\' ? /^\$([^$\n]+?)\$/.exec(rest) : null;
    if (inline) {
      text += hold(inline[1], false);
      i += inline[0].length;
      continue;
    }
    text += source[i++];
  }
  const html = marked.parse(text, { async: false, gfm: true }) as string;
  return html.replace(/KATEXFORMULA(\d+)X/g, (_, k) => formulas[Number(k)]);
}
