// node render.mjs FILE FIRST LAST OUT.html [THEME]
// Highlights lines FIRST..LAST of FILE with the project's TextMate grammar through shiki (the
// Oniguruma + vscode-textmate engine of VS Code, as a library) and writes a page that looks like
// an editor: a tab with the file name, line numbers, the theme's colours. Prints the page height.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHighlighter } from 'shiki';

const here = path.dirname(fileURLToPath(import.meta.url));
const [file, first, last, out, theme = 'github-dark'] = process.argv.slice(2);
const grammar = JSON.parse(fs.readFileSync(path.join(here, '../vscode/syntaxes/stack.tmLanguage.json'), 'utf8'));
const hl = await createHighlighter({ themes: [theme], langs: [{ ...grammar, name: 'stack' }] });
const lines = fs.readFileSync(file, 'utf8').split('\n').slice(Number(first) - 1, Number(last));
const t = hl.getTheme(theme);
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// tokenize the whole file so that the lines shown carry the state of those above them
const all = hl.codeToTokensBase(fs.readFileSync(file, 'utf8'), { lang: 'stack', theme });
const rows = all.slice(Number(first) - 1, Number(first) - 1 + lines.length).map((toks, i) => {
  const code = toks.map((k) => `<span style="color:${k.color}${k.fontStyle & 1 ? ';font-style:italic' : ''}">${esc(k.content)}</span>`).join('');
  return `<div class="l"><span class="n">${Number(first) + i}</span>${code || ' '}</div>`;
});
const lineHeight = 20;
const height = 36 + 16 + rows.length * lineHeight + 16;
fs.writeFileSync(out, `<!doctype html><meta charset="utf-8">
<style>
  body { margin: 0; background: ${t.bg}; color: ${t.fg}; font: 14px/${lineHeight}px "DejaVu Sans Mono", monospace; }
  .tab { height: 36px; background: #161b22; color: #e6edf3; font: 13px/36px "DejaVu Sans", sans-serif; padding-left: 16px; border-bottom: 1px solid #333; }
  .tab b { display: inline-block; background: ${t.bg}; padding: 0 16px; margin-left: -16px; border-top: 2px solid #f78166; line-height: 34px; font-weight: normal; }
  pre { margin: 0; padding: 16px 0; white-space: pre; }
  .n { display: inline-block; width: 3em; padding-right: 1.5em; text-align: right; color: #6e7681; }
</style>
<div class="tab"><b>${esc(path.basename(file))}</b></div>
<pre>${rows.join('')}</pre>
`);
console.log(height);
