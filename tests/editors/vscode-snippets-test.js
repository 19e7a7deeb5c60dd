// Expands every snippet of editors/vscode/snippets/stack.json as VS Code does when its
// placeholders are left at their defaults (${1:x} -> x, ${1|a,b|} -> a, $1 -> what 1 holds, a tab
// -> two spaces), puts them together into one stack (`when` inside the service, `secret` in the
// worker's env) and writes it to the file given: run.sh checks it with `stackc check`.
const fs = require('fs');
const path = require('path');
const assert = require('assert');

const snippets = JSON.parse(fs.readFileSync(path.join(__dirname, '../../editors/vscode/snippets/stack.json'), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../editors/vscode/package.json'), 'utf8'));
assert.deepStrictEqual(pkg.contributes.snippets, [{ language: 'stack', path: './snippets/stack.json' }]);

function expand(name, fill = '') {
  const s = snippets[name];
  assert.ok(s && s.prefix && s.description && Array.isArray(s.body), `snippet ${name}`);
  let text = s.body.join('\n').replace(/\t/g, '  ');
  const values = {};
  // ${N|a,b|} and ${N:default} (defaults may name earlier placeholders: ${2:$1})
  text = text.replace(/\$\{(\d+)\|([^|]*)\|\}/g, (_, n, choices) => (values[n] = choices.split(',')[0]));
  text = text.replace(/\$\{(\d+):([^}]*)\}/g, (_, n, dflt) => (values[n] = dflt.replace(/\$(\d+)/g, (m, k) => values[k] ?? '')));
  text = text.replace(/\$\{?(\d+)\}?/g, (_, n) => (n === '0' ? fill : values[n] ?? ''));
  return text;
}

const indent = (text, by) => text.split('\n').map((l, i) => (i ? by + l : l)).join('\n');
const parts = [
  expand('import'),
  expand('stack'),
  expand('cluster'),
  expand('environment'),
  expand('secrets'),
  expand('service', indent(expand('when'), '  ')),
  expand('worker', `env { PASSWORD = ${expand('secret')} }`),
  expand('stateful'),
  expand('job'),
  expand('cron'),
  expand('template'),
  expand('alert'),
  expand('backup'),
];
const used = new Set(['import', 'stack', 'cluster', 'environment', 'secrets', 'service', 'when', 'worker',
  'secret', 'stateful', 'job', 'cron', 'template', 'alert', 'backup']);
for (const name of Object.keys(snippets)) assert.ok(used.has(name), `snippet ${name} is not tried`);
fs.writeFileSync(process.argv[2], parts.join('\n\n') + '\n');
console.log(`${Object.keys(snippets).length} snippets expanded into ${process.argv[2]}`);
