// Loads editors/vscode/extension.js the way VS Code does (activate(context)) with the `vscode`
// API and vscode-languageclient replaced by recorders, and checks what the client is told:
// the server command comes from the settings (`stackc lsp` by default, `stack.server.path`
// and `stack.server.args` otherwise), over stdio, for the `stack` language; no client when
// `stack.server.enable` is false; the restart command stops and starts it.
// Also checks package.json and language-configuration.json agree with the grammar.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const Module = require('module');

const ext = path.join(__dirname, '../../editors/vscode');
let settings = {};
const made = [];
const commands = {};
class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions, started: 0, stopped: 0 });
    made.push(this);
  }
  async start() { this.started++; }
  async stop() { this.stopped++; }
}
const fakes = {
  vscode: {
    workspace: {
      getConfiguration: (section) => ({
        get: (key, dflt) => (`${section}.${key}` in settings ? settings[`${section}.${key}`] : dflt),
      }),
      createFileSystemWatcher: (glob) => ({ glob }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
    },
    window: { showWarningMessage: (m) => { throw new Error(`warning shown: ${m}`); } },
    commands: { registerCommand: (id, f) => { commands[id] = f; return { dispose() {} }; } },
  },
  'vscode-languageclient/node': { LanguageClient, TransportKind: { stdio: 0, ipc: 1 } },
};
const realLoad = Module._load;
Module._load = function (request, ...rest) {
  return request in fakes ? fakes[request] : realLoad.call(this, request, ...rest);
};
const extension = require(path.join(ext, 'extension.js'));

(async () => {
  // defaults: `stackc lsp` over stdio for .stack documents
  await extension.activate({ subscriptions: [] });
  assert.strictEqual(made.length, 1);
  const c = made[0];
  assert.deepStrictEqual(c.serverOptions.run, { command: 'stackc', args: ['lsp'], transport: 0 });
  assert.deepStrictEqual(c.clientOptions.documentSelector, [{ language: 'stack' }]);
  assert.strictEqual(c.clientOptions.synchronize.fileEvents.glob, '**/*.stack');
  assert.strictEqual(c.started, 1);
  // a path from the settings; the restart command stops the old client and starts a new one
  settings = { 'stack.server.path': '/opt/stackc/bin/stackc', 'stack.server.args': ['lsp', '--log=x'] };
  await commands['stack.restartServer']();
  assert.strictEqual(c.stopped, 1);
  assert.deepStrictEqual(made[1].serverOptions.run,
    { command: '/opt/stackc/bin/stackc', args: ['lsp', '--log=x'], transport: 0 });
  assert.strictEqual(made[1].started, 1);
  await extension.deactivate();
  assert.strictEqual(made[1].stopped, 1);
  // disabled: no server
  settings = { 'stack.server.enable': false };
  await extension.activate({ subscriptions: [] });
  assert.strictEqual(made.length, 2);

  // the manifest: the language, its grammar and configuration, the settings the client reads
  const pkg = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
  const lang = pkg.contributes.languages[0];
  assert.deepStrictEqual([lang.id, lang.extensions], ['stack', ['.stack']]);
  const grammar = pkg.contributes.grammars[0];
  assert.strictEqual(grammar.scopeName,
    JSON.parse(fs.readFileSync(path.join(ext, grammar.path), 'utf8')).scopeName);
  for (const key of ['stack.server.enable', 'stack.server.path', 'stack.server.args'])
    assert.ok(key in pkg.contributes.configuration.properties, key);
  assert.strictEqual(pkg.main, './extension.js');

  // language-configuration.json: # comments, the three bracket pairs, and indentation rules
  // that give every line of the formatted files the indentation stackc fmt gives it
  const conf = JSON.parse(fs.readFileSync(path.join(ext, lang.configuration), 'utf8'));
  assert.strictEqual(conf.comments.lineComment, '#');
  assert.deepStrictEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
  const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
  let lines = 0;
  for (const file of process.argv.slice(2)) {
    const text = fs.readFileSync(file, 'utf8');
    // which lines start inside a """ string (their blanks are text), from a scan that steps
    // over comments and plain strings
    const startsInText = [false];
    let st = 'code';
    for (let k = 0; k < text.length; k++) {
      const ch = text[k];
      if (ch === '\n') {
        if (st !== 'triple') st = 'code';
        startsInText.push(st === 'triple');
      } else if (st === 'comment') {
      } else if (st !== 'code' && ch === '\\') k++;
      else if (text.startsWith('"""', k) && st !== 'plain') { st = st === 'triple' ? 'code' : 'triple'; k += 2; }
      else if (ch === '"' && st !== 'triple') st = st === 'plain' ? 'code' : 'plain';
      else if (ch === '#' && st === 'code') st = 'comment';
    }
    let prev = null;
    for (const [i, line] of text.split('\n').entries()) {
      if (line.trim() === '' || startsInText[i]) continue;
      const indent = line.length - line.trimStart().length;
      if (prev !== null) {
        const want = prev.indent + (inc.test(prev.text) ? 2 : 0) - (dec.test(line) ? 2 : 0);
        assert.strictEqual(indent, want, `${file}:${i + 1}: VS Code would indent ${want}, stackc fmt has ${indent}`);
        lines++;
      }
      // a line that opens a """ string is followed by text, not code
      prev = startsInText[i + 1] ? null : { indent, text: line };
    }
  }
  console.log(`extension client and manifest ok; indentation rules agree on ${lines} lines`);
})().catch((e) => { console.error(e); process.exit(1); });
