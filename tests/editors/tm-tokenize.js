// Tokenizes .stack files with editors/vscode/syntaxes/stack.tmLanguage.json through
// vscode-textmate + vscode-oniguruma, the engine and regex library VS Code itself uses.
//
//   node tm-tokenize.js --dump FILE            line:col<TAB>"text"<TAB>scopes, one token a line
//   node tm-tokenize.js --clean FILE...        exit 1 if any token has an `invalid.*` scope or
//                                              non-blank text has no scope but source.stack
//   node tm-tokenize.js --invalid-lines FILE   the numbers of the lines that have an invalid.* token
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const grammarPath = path.join(__dirname, '../../editors/vscode/syntaxes/stack.tmLanguage.json');

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const onigLib = Promise.resolve({
    createOnigScanner: (p) => new oniguruma.OnigScanner(p),
    createOnigString: (s) => new oniguruma.OnigString(s),
  });
  const raw = vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath);
  const registry = new vsctm.Registry({ onigLib, loadGrammar: async (s) => (s === raw.scopeName ? raw : null) });
  return registry.loadGrammar(raw.scopeName);
}

function tokenize(grammar, file) {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  let stack = vsctm.INITIAL;
  const out = [];
  lines.forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens)
      out.push({ line: i + 1, col: t.startIndex + 1, text: line.substring(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return { lines, tokens: out };
}

const fmt = (t) => `${t.line}:${t.col}\t${JSON.stringify(t.text)}\t${t.scopes.join(' ')}`;

async function main() {
  const [mode, ...files] = process.argv.slice(2);
  const grammar = await loadGrammar();
  let bad = 0;
  for (const file of files) {
    const { tokens } = tokenize(grammar, file);
    if (mode === '--dump') {
      for (const t of tokens) console.log(fmt(t));
    } else if (mode === '--clean') {
      for (const t of tokens) {
        const invalid = t.scopes.some((s) => s.startsWith('invalid'));
        const unscoped = t.scopes.length === 1 && t.text.trim() !== '';
        if (invalid || unscoped) {
          bad++;
          console.log(`${file}:${fmt(t)}${unscoped ? '\t(no scope)' : ''}`);
        }
      }
    } else if (mode === '--invalid-lines') {
      const seen = new Set(tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid'))).map((t) => t.line));
      for (const n of [...seen].sort((a, b) => a - b)) console.log(n);
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  }
  if (mode === '--clean') console.log(`${files.length} files, ${bad} problems`);
  process.exit(bad ? 1 : 0);
}
main().catch((e) => { console.error(e); process.exit(2); });
