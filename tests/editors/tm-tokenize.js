// Tokenizes .stack files with editors/vscode/syntaxes/stack.tmLanguage.json through
// vscode-textmate + vscode-oniguruma, the engine and regex library VS Code itself uses.
//
//   node tm-tokenize.js --dump FILE            line:col<TAB>"text"<TAB>scopes, one token a line
//   node tm-tokenize.js --clean FILE...        exit 1 if any token has an `invalid.*` scope or
//                                              non-blank text has no scope but source.stack
//   node tm-tokenize.js --invalid-lines FILE   the numbers of the lines that have an invalid.* token
//   node tm-tokenize.js --unindent DIR FILE... writes DIR/N.stack: the Nth FILE with the
//                                              indentation of every line replaced by junk blanks,
//                                              except lines that start inside a """ string (their
//                                              blanks are text): the input of the indentation tests
//   node tm-tokenize.js --vim-compare DIR FILE...
//                                              DIR/N.txt is vim-syntax-dump.vim's (or the Neovim
//                                              twin's) output for the Nth FILE: every non-blank
//                                              character must be in the Vim group that VIM_GROUP
//                                              names for its TextMate scopes; exit 1 and list
//                                              those that are not
//   node tm-tokenize.js --emacs-compare DIR FILE...
//                                              the same for emacs-faces.el's output and the faces
//                                              that EMACS_FACE names
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

// The Vim highlight group (editors/vim/syntax/stack.vim links its groups to these) that stands for
// the innermost TextMate scope of a character; meta.* scopes and the dots of a path take the
// group of what holds them.
const VIM_GROUP = [
  [/^invalid\./, 'Error'],
  [/^(comment\.|punctuation\.definition\.comment)/, 'Comment'],
  [/^constant\.character\.escape/, 'SpecialChar'],
  [/^punctuation\.section\.interpolation/, 'Delimiter'],
  [/^(string\.|punctuation\.definition\.string)/, 'String'],
  [/^keyword\.control\.import/, 'Include'],
  [/^storage\.type\.kind/, 'Structure'],
  [/^entity\.name\.type\.object/, 'Type'],
  [/^entity\.name\.type/, 'Function'],
  [/^keyword\.other\.(for|from)/, 'Keyword'],
  [/^entity\.other\.inherited-class/, 'Type'],
  [/^keyword\.control\.conditional\.when/, 'Conditional'],
  [/^variable\.other\.environment/, 'Special'],
  [/^support\.type\.property-name/, 'Identifier'],
  [/^entity\.name\.label/, 'Tag'],
  [/^keyword\.operator/, 'Operator'],
  [/^keyword\.other\.unit/, 'Special'],
  [/^constant\.numeric/, 'Number'],
  [/^constant\.language\.boolean/, 'Boolean'],
  [/^(support\.function|entity\.name\.function)/, 'Function'],
  [/^variable\.parameter/, 'Identifier'],
  [/^punctuation\.(section\.(block|list|arguments)|separator\.comma)/, 'Delimiter'],
];
// The Emacs face (editors/emacs/stack-mode.el) that stands for the same scopes.
const EMACS_FACE = [
  [/^invalid\./, 'font-lock-warning-face'],
  [/^punctuation\.definition\.comment/, 'font-lock-comment-delimiter-face'],
  [/^comment\./, 'font-lock-comment-face'],
  [/^constant\.character\.escape/, 'stack-escape-face'],
  [/^punctuation\.section\.interpolation/, 'stack-interpolation-face'],
  [/^(string\.|punctuation\.definition\.string)/, 'font-lock-string-face'],
  [/^(keyword\.control|storage\.type\.kind|keyword\.other\.(for|from))/, 'font-lock-keyword-face'],
  [/^entity\.name\.type\.object/, 'font-lock-type-face'],
  [/^entity\.name\.type/, 'font-lock-function-name-face'],
  [/^entity\.other\.inherited-class/, 'font-lock-type-face'],
  [/^(variable\.other\.environment|entity\.name\.label)/, 'font-lock-constant-face'],
  [/^(support\.type\.property-name|variable\.parameter)/, 'font-lock-variable-name-face'],
  [/^keyword\.operator/, ''],
  [/^keyword\.other\.unit/, 'font-lock-type-face'],
  [/^(constant\.numeric|constant\.language)/, 'font-lock-constant-face'],
  [/^support\.function/, 'font-lock-builtin-face'],
  [/^entity\.name\.function/, 'font-lock-function-name-face'],
  [/^punctuation\.(section|separator)/, ''],
];
function emacsFace(scopes) {
  const inInterp = scopes.includes('meta.interpolation.stack');
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i];
    if (s.startsWith('meta.') || s.startsWith('punctuation.accessor')) continue;
    if (s.startsWith('variable.other.reference')) return inInterp ? 'stack-interpolation-face' : 'font-lock-constant-face';
    for (const [re, face] of EMACS_FACE) if (re.test(s)) return face;
  }
  return '';
}

function vimGroup(scopes) {
  const inInterp = scopes.includes('meta.interpolation.stack');
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i];
    if (s.startsWith('meta.') || s.startsWith('punctuation.accessor')) continue;
    if (s.startsWith('variable.other.reference')) return inInterp ? 'Identifier' : 'Constant';
    for (const [re, group] of VIM_GROUP) if (re.test(s)) return group;
  }
  return '';
}

const fmt = (t) => `${t.line}:${t.col}\t${JSON.stringify(t.text)}\t${t.scopes.join(' ')}`;

async function main() {
  const [mode, ...files] = process.argv.slice(2);
  const grammar = await loadGrammar();
  let bad = 0;
  let total = 0;
  if (mode === '--unindent') {
    const [dir, ...sources] = files;
    for (const [index, file] of sources.entries()) {
      const { lines, tokens } = tokenize(grammar, file);
      const out = lines.map((line, i) => {
        const first = tokens.find((t) => t.line === i + 1);
        const inText = first && first.scopes.includes('string.quoted.triple.stack') &&
          !first.scopes.includes('punctuation.definition.string.begin.stack');
        if (inText || line.trim() === '') return line;
        return ' \t  \t '.slice(0, i % 7) + line.trimStart();
      });
      fs.writeFileSync(path.join(dir, `${index + 1}.stack`), out.join('\n'));
    }
    return;
  }
  if (mode === '--vim-compare' || mode === '--emacs-compare') {
    const vim = mode === '--vim-compare';
    const [dir, ...sources] = files;
    let empty = false;
    for (const [index, file] of sources.entries()) {
      const dump = path.join(dir, `${index + 1}.txt`);
      const want = new Map();
      const { lines, tokens } = tokenize(grammar, file);
      for (const t of tokens) {
        // Vim counts columns in bytes, vscode-textmate in UTF-16 code units, Emacs in characters
        const line = lines[t.line - 1];
        for (let k = t.col - 1; k < t.col - 1 + t.text.length; k++) {
          const expected = vim ? vimGroup(t.scopes) : emacsFace(t.scopes);
          if (!vim) {
            want.set(`${t.line}:${[...line.substring(0, k)].length + 1}`, expected);
            continue;
          }
          const from = Buffer.byteLength(line.substring(0, k));
          const to = Buffer.byteLength(line.substring(0, k + 1));
          for (let b = from; b < to; b++) want.set(`${t.line}:${b + 1}`, expected);
        }
      }
      const rows = fs.readFileSync(dump, 'utf8').split('\n').filter((l) => l !== '');
      const header = vim ? 'filetype=stack' : 'major-mode=stack-mode';
      if (rows[0] !== header) throw new Error(`${dump}: ${rows[0]} (the file was not opened in the stack mode)`);
      let n = 0;
      bad = 0;
      for (const row of rows.slice(1)) {
        const f = row.split('\t');
        const [pos, ch] = f;
        const got = vim ? f[3] : f[2];
        n++;
        if (want.get(pos) !== got) {
          bad++;
          if (bad <= 40) console.log(`${file}:${pos}\t${JSON.stringify(ch)}\t${vim ? `vim ${f[2] || '(none)'} -> ` : 'emacs '}${got || '(none)'}, the grammar's scopes say ${want.get(pos) || '(none)'}`);
        }
      }
      // every non-blank character (byte, for Vim) of the file must have been dumped
      const nonBlank = lines.reduce((sum, line) => {
        const chars = [...line].filter((c) => !/\s/.test(c));
        return sum + (vim ? Buffer.byteLength(chars.join('')) : chars.length);
      }, 0);
      if (n !== nonBlank) {
        bad++;
        console.log(`${file}: the dump has ${n} characters, the file ${nonBlank}`);
      }
      console.log(`${file}: ${n} characters, ${bad} differ`);
      total += bad;
      empty = empty || n === 0;
    }
    process.exit(total || empty ? 1 : 0);
  }
  for (const file of files) {
    const { lines, tokens } = tokenize(grammar, file);
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
