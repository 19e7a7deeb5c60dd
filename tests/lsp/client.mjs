// Drives `stackc lsp` through vscode-languageserver-protocol (the protocol layer under VS Code's
// language client) over a scripted session on examples/personage and tests/lsp/fixtures, and
// asserts every answer exactly. Usage: node client.mjs STACKC PROJECT_ROOT
// Prints one line per check and the measured latencies; exit 1 on any failure.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';

const [stackc, root] = process.argv.slice(2).map((p) => path.resolve(p));
const proc = spawn(stackc, ['lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
const diags = new Map(); // uri -> list of every publishDiagnostics params, in order
const waiting = [];
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  if (!diags.has(p.uri)) diags.set(p.uri, []);
  diags.get(p.uri).push(p);
  for (const w of waiting.splice(0)) w();
});
conn.listen();

let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok   ${name}`); }
  catch (e) { failed++; console.log(`FAIL ${name}\n     ${String(e.message).split('\n').join('\n     ')}`); }
}
const timeout = (ms, what) => new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout: ${what}`)), ms));
const req = (method, params) => Promise.race([conn.sendRequest(method, params), timeout(10000, method)]);
// The next publishDiagnostics for `uri` after `count` earlier ones.
async function nextDiags(uri, count) {
  const deadline = Date.now() + 10000;
  while ((diags.get(uri) || []).length <= count) {
    if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri}`);
    await new Promise((r) => { waiting.push(r); setTimeout(r, 100); });
  }
  return diags.get(uri)[count];
}
const seen = (uri) => (diags.get(uri) || []).length;
const uriOf = (p) => pathToFileURL(p).href;
// {line, character} of the `nth` occurrence of `needle` in `text` (+ `delta` characters); JS
// strings count UTF-16 code units, as LSP positions do.
function pos(text, needle, nth = 0, delta = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) { at = text.indexOf(needle, at + 1); if (at < 0) throw new Error(`no ${needle}`); }
  at += delta;
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
}
const range = (text, needle, nth = 0) => {
  const start = pos(text, needle, nth);
  return { start, end: { line: start.line, character: start.character + needle.length } };
};
const labels = (items) => (Array.isArray(items) ? items : items.items).map((i) => i.label);
let version = 1;
const change = (uri, contentChanges) => conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges });
const open = (uri, text) => conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'stack', version: ++version, text } });

const personagePath = path.join(root, 'examples/personage/personage.stack');
const personage = fs.readFileSync(personagePath, 'utf8');
const P = uriOf(personagePath);
const shopMain = path.join(root, 'tests/lsp/fixtures/shop/main.stack');
const shopCommon = path.join(root, 'tests/lsp/fixtures/shop/common.stack');
const M = uriOf(shopMain), C = uriOf(shopCommon);
const latency = {};

try {
  let init;
  await check('initialize: capabilities and serverInfo', async () => {
    init = await req('initialize', { processId: process.pid, rootUri: uriOf(root), capabilities: {}, workspaceFolders: null });
    const c = init.capabilities;
    assert.deepEqual(init.serverInfo.name, 'stackc');
    assert.deepEqual(c.textDocumentSync, { openClose: true, change: 2, save: false });
    for (const k of ['hoverProvider', 'definitionProvider', 'referencesProvider', 'documentFormattingProvider',
      'documentSymbolProvider', 'foldingRangeProvider', 'inlayHintProvider']) assert.equal(c[k], true, k);
    assert.deepEqual(c.renameProvider, { prepareProvider: true });
    assert.deepEqual(c.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.deepEqual(c.semanticTokensProvider.full, { delta: true });
    assert.equal(c.semanticTokensProvider.range, true);
    assert.ok(c.completionProvider.triggerCharacters.includes('['));
  });
  await conn.sendNotification('initialized', {});

  // ---- diagnostics ---------------------------------------------------------------------------
  await check('didOpen personage: no diagnostics', async () => {
    const n = seen(P);
    const t0 = performance.now();
    await open(P, personage);
    const d = await nextDiags(P, n);
    latency.open = performance.now() - t0;
    assert.deepEqual(d.diagnostics, []);
  });

  const replicas = pos(personage, 'replicas  = 2..6');
  const typo = { start: replicas, end: { line: replicas.line, character: replicas.character + 8 } };
  let e2001;
  await check('incremental change adds an error: E2001 with range, help, code page and fix', async () => {
    const n = seen(P);
    await change(P, [{ range: typo, text: 'replica' }]);
    const d = await nextDiags(P, n);
    assert.equal(d.diagnostics.length, 1);
    e2001 = d.diagnostics[0];
    const want = { start: replicas, end: { line: replicas.line, character: replicas.character + 7 } };
    assert.deepEqual(e2001, {
      code: 'E2001',
      codeDescription: { href: 'https://github.com/stackc/stackc/blob/main/specs/diagnostics/E2001.md' },
      data: { fix: { newText: 'replicas', range: want } },
      message: 'unknown key `replica` in `service`\nhelp: did you mean `replicas`?',
      range: want,
      severity: 1,
      source: 'stackc',
    });
  });

  await check('codeAction: the did-you-mean as a quick fix', async () => {
    const actions = await req('textDocument/codeAction', { textDocument: { uri: P }, range: e2001.range, context: { diagnostics: [e2001] } });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, 'Replace `replica` with `replicas`');
    assert.equal(actions[0].kind, 'quickfix');
    assert.deepEqual(actions[0].edit, { changes: { [P]: [{ range: e2001.range, newText: 'replicas' }] } });
  });

  await check('applying the quick fix clears the error', async () => {
    const n = seen(P);
    await change(P, [{ range: e2001.range, text: 'replicas' }]);
    const d = await nextDiags(P, n);
    assert.deepEqual(d.diagnostics, []);
  });

  await check('relatedInformation from a note (E2002, first set here)', async () => {
    const n = seen(P);
    const at = pos(personage, '  image     = "auth-service"\n');
    const line = { line: at.line + 1, character: 0 };
    await change(P, [{ range: { start: line, end: line }, text: '  image = "again"\n' }]);
    const d = await nextDiags(P, n);
    assert.equal(d.diagnostics.length, 1);
    const x = d.diagnostics[0];
    assert.equal(x.code, 'E2002');
    assert.deepEqual(x.range, { start: { line: at.line + 1, character: 2 }, end: { line: at.line + 1, character: 7 } });
    assert.deepEqual(x.relatedInformation, [{
      location: { uri: P, range: { start: { line: at.line, character: 2 }, end: { line: at.line, character: 7 } } },
      message: 'first set here' }]);
    const m = seen(P);
    await change(P, [{ range: { start: line, end: { line: line.line + 1, character: 0 } }, text: '' }]);
    assert.deepEqual((await nextDiags(P, m)).diagnostics, []);
  });

  await check('latency: diagnostics after a one-character edit of personage (20 edits)', async () => {
    const times = [];
    const at = pos(personage, 'replicas  = 3..10', 0, 15);
    for (let i = 0; i < 20; i++) {
      const n = seen(P);
      const t0 = performance.now();
      await change(P, [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: i % 2 ? '1' : '2' }]);
      await nextDiags(P, n);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    latency.diagnostics_median = times[10];
    latency.diagnostics_max = times[19];
    await change(P, [{ text: personage }]);
    await nextDiags(P, seen(P) - 0 > 0 ? seen(P) : 0).catch(() => {});
  });

  // ---- hover ---------------------------------------------------------------------------------
  await check('hover on a key: the schema field (doc, type, default)', async () => {
    const h = await req('textDocument/hover', { textDocument: { uri: P }, position: pos(personage, 'autoscale {', 0, 12) });
    assert.equal(h.contents.kind, 'markdown');
    assert.equal(h.contents.value, '**`cpu`** — percentage\n\nTarget average CPU utilisation: `70%`.\n\nFrom 1 to 100.\n\nUnits — percentage: `70%`.');
  });

  await check('hover on a reference in `needs`: the workload per environment', async () => {
    const at = pos(personage, 'auth-service, postgres', 0, 3);
    const h = await req('textDocument/hover', { textDocument: { uri: P }, position: at });
    const v = h.contents.value;
    assert.ok(v.startsWith('`auth-service` (needs) resolves to:\n\n**service `auth-service`** — '), v);
    assert.ok(v.includes('| environment | replicas | cpu | memory |\n|---|---|---|---|\n' +
      '| dev | 1 | 100m..300m | 128Mi..256Mi |\n| staging | 2..6 | 300m..500m | 256Mi..512Mi |\n' +
      '| production | 2..6 | 300m..500m | 256Mi..512Mi |\n'), v);
    assert.deepEqual(h.range, range(personage, 'auth-service', 0));
  });

  await check('hover on secret("postgres"): where it is read from', async () => {
    const h = await req('textDocument/hover', { textDocument: { uri: P }, position: pos(personage, 'secret("postgres"', 0, 9) });
    assert.equal(h.contents.value, '**secret `postgres`** — read from Vault at `https://vault.personage.example`, path `kv/personage/postgres` (an ExternalSecret per environment)\n\nUsed 3 times in the stack.');
  });

  await check('hover on an import and on a template name', async () => {
    const h = await req('textDocument/hover', { textDocument: { uri: P }, position: pos(personage, 'std/redis', 0, 5) });
    assert.ok(h.contents.value.startsWith('**import `std/redis`** — the embedded stdlib module `std/redis.stack`'), h.contents.value);
    const t = await req('textDocument/hover', { textDocument: { uri: P }, position: pos(personage, 'from redis-cluster', 0, 7) });
    assert.ok(t.contents.value.startsWith('`redis-cluster` (from) resolves to:\n\n**template `redis-cluster`** — std/redis.stack:'), t.contents.value);
  });

  // ---- definition, references, rename --------------------------------------------------------
  await check('definition of a workload named in `needs`', async () => {
    const d = await req('textDocument/definition', { textDocument: { uri: P }, position: pos(personage, 'auth-service, postgres', 0, 2) });
    assert.deepEqual(d, { uri: P, range: range(personage, 'auth-service', 1) });  // 0 is in api-service's needs
  });

  await check('references of `kafka` (declaration included)', async () => {
    const r = await req('textDocument/references', { textDocument: { uri: P }, position: pos(personage, 'stateful kafka', 0, 10), context: { includeDeclaration: true } });
    const where = (n) => ({ uri: P, range: range(personage, 'kafka', n) });
    // 0: the import "std/kafka"; 1: api-service needs; 2: processor needs; 3: the declaration
    assert.deepEqual(r, [where(3), where(1), where(2)]);
  });

  await check('references of a metric: its declaration and the alert expression', async () => {
    const r = await req('textDocument/references', { textDocument: { uri: P }, position: pos(personage, 'personage_api_errors_total', 0, 3), context: { includeDeclaration: true } });
    assert.deepEqual(r, [{ uri: P, range: range(personage, 'personage_api_errors_total', 0) }, { uri: P, range: range(personage, 'personage_api_errors_total', 1) }]);
  });

  await check('definition of a receiver in `notify`, references of a cluster, hover on `when ENV`', async () => {
    const d = await req('textDocument/definition', { textDocument: { uri: P }, position: pos(personage, 'notify   = [telegram', 0, 13) });
    assert.deepEqual(d, { uri: P, range: range(personage, 'telegram', 0) });
    const r = await req('textDocument/references', { textDocument: { uri: P }, position: pos(personage, 'cluster yandex', 0, 9), context: { includeDeclaration: false } });
    // 1 is `provider = yandex`, the provider's name, not the cluster
    assert.deepEqual(r, [2, 3].map((n) => ({ uri: P, range: range(personage, 'yandex', n) })));
    const h = await req('textDocument/hover', { textDocument: { uri: P }, position: pos(personage, 'when dev { replicas = 1  cpu = 200m', 0, 6) });
    assert.ok(h.contents.value.startsWith('`dev` (when) resolves to:\n\n**environment `dev`**'), h.contents.value);
    assert.ok(h.contents.value.includes('Cluster `minimal`, namespace `personage-dev`'), h.contents.value);
  });

  await check('rename a workload: every mention, in one WorkspaceEdit', async () => {
    const p0 = await req('textDocument/prepareRename', { textDocument: { uri: P }, position: pos(personage, 'service auth-service', 0, 9) });
    assert.deepEqual(p0, { range: range(personage, 'auth-service', 1), placeholder: 'auth-service' });
    const e = await req('textDocument/rename', { textDocument: { uri: P }, position: pos(personage, 'service auth-service', 0, 9), newName: 'identity' });
    assert.deepEqual(e, { changes: { [P]: [1, 0].map((n) => ({ range: range(personage, 'auth-service', n), newText: 'identity' })) } });
  });

  await check('rename refused: an invalid name, a taken name, a non-renameable symbol', async () => {
    const at = { textDocument: { uri: P }, position: pos(personage, 'service auth-service', 0, 9) };
    await assert.rejects(req('textDocument/rename', { ...at, newName: 'Auth_Service' }),
      (e) => e.code === -32803 && e.message.startsWith('`Auth_Service` cannot name a workload: its Kubernetes objects need a DNS label') && e.message.endsWith('; try `auth-service`'));
    await assert.rejects(req('textDocument/rename', { ...at, newName: 'redis' }),
      (e) => e.code === -32803 && e.message === `\`redis\` is taken: stateful \`redis\` is declared at ${personagePath}:${pos(personage, 'stateful redis').line + 1}`);
    await assert.rejects(req('textDocument/rename', { ...at, newName: 'not a name' }),
      (e) => e.code === -32803 && e.message.startsWith('`not a name` is not a name'));
    await assert.rejects(req('textDocument/rename', { textDocument: { uri: P }, position: pos(personage, 'environment dev', 0, 13), newName: 'test' }),
      (e) => e.code === -32803 && e.message === 'only a workload, a template or a version can be renamed');
  });

  const bookinfoPath = path.join(root, 'examples/bookinfo/bookinfo.stack');
  const bookinfo = fs.readFileSync(bookinfoPath, 'utf8');
  const B = uriOf(bookinfoPath);
  await check('rename of versions and of versioned workloads (bookinfo)', async () => {
    const n = seen(B);
    await open(B, bookinfo);
    assert.deepEqual((await nextDiags(B, n)).diagnostics, []);
    const v2 = { textDocument: { uri: B }, position: pos(bookinfo, 'version v2', 0, 8) };
    assert.deepEqual(await req('textDocument/prepareRename', v2), { range: range(bookinfo, 'v2', 0), placeholder: 'v2' });
    assert.deepEqual(await req('textDocument/rename', { ...v2, newName: 'v9' }),
      { changes: { [B]: [{ range: range(bookinfo, 'v2', 0), newText: 'v9' }] } });
    await assert.rejects(req('textDocument/rename', { ...v2, newName: 'v3' }),
      (e) => e.code === -32803 && e.message === `\`reviews-v3\` is taken: version \`v3\` of \`reviews\` makes the workload \`reviews-v3\` at ${bookinfoPath}:${pos(bookinfo, 'version v3').line + 1}`);
    // A workload named like the workload a version makes.
    await assert.rejects(req('textDocument/rename', { textDocument: { uri: B }, position: pos(bookinfo, 'service details', 0, 9), newName: 'reviews-v1' }),
      (e) => e.code === -32803 && e.message === `\`reviews-v1\` is taken: version \`v1\` of \`reviews\` makes the workload \`reviews-v1\` at ${bookinfoPath}:${pos(bookinfo, 'version v1        {').line + 1}`);
    // The versioned workload: its name and every mention; `ratings`, needed inside two versions.
    const reviews = { textDocument: { uri: B }, position: pos(bookinfo, 'service reviews', 0, 9) };
    assert.deepEqual(await req('textDocument/rename', { ...reviews, newName: 'critics' }),
      { changes: { [B]: [range(bookinfo, 'service reviews'), range(bookinfo, 'details, reviews')].map((r, i) => ({ range: i ? { start: { ...r.start, character: r.start.character + 9 }, end: r.end } : { start: { ...r.start, character: r.start.character + 8 }, end: r.end }, newText: 'critics' })) } });
    await assert.rejects(req('textDocument/rename', { ...reviews, newName: 'r'.repeat(61) }),
      (e) => e.code === -32803 && e.message === `version \`v1\` would make the workload \`${'r'.repeat(61)}-v1\`, 64 characters long: a Kubernetes name has at most 63 (E2033)`);
    const ratings = await req('textDocument/rename', { textDocument: { uri: B }, position: pos(bookinfo, 'service ratings', 0, 9), newName: 'stars' });
    assert.deepEqual(ratings.changes[B].map((e) => e.range.start.line), [pos(bookinfo, 'service ratings').line, pos(bookinfo, '[ratings]', 0).line, pos(bookinfo, '[ratings]', 1).line]);
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri: B } });
  });

  // ---- completion ----------------------------------------------------------------------------
  // Each case inserts text at a place, asks for completion at its end, and puts the text back.
  async function completeAt(needle, delta, insert) {
    const at = pos(personage, needle, 0, delta);
    await change(P, [{ range: { start: at, end: at }, text: insert }]);
    const typed = insert.replace(/\n+$/, '');  // the cursor is before the line end
    const lines = typed.split('\n');
    const end = { line: at.line + lines.length - 1, character: (lines.length === 1 ? at.character : 0) + lines[lines.length - 1].length };
    const t0 = performance.now();
    const items = await req('textDocument/completion', { textDocument: { uri: P }, position: end });
    latency.completion = performance.now() - t0;
    await change(P, [{ text: personage }]);
    return items;
  }
  await check('completion: the kinds at the top level', async () => {
    const items = await completeAt('alert HighAPIErrorRate', 0, '\n');
    assert.deepEqual(labels(items), ['import', 'stack', 'cluster', 'environment', 'secrets', 'service', 'worker', 'stateful',
      'job', 'cron', 'monitoring', 'alert', 'record', 'dashboard', 'backup', 'pipeline', 'template']);
  });
  await check('completion: the keys of the block, with their docs', async () => {
    const items = await completeAt('  when dev { replicas = 1  cpu = 100m..300m', 0, 'repl\n');
    const l = labels(items);
    for (const k of ['image', 'replicas', 'port', 'needs', 'env', 'health', 'when']) assert.ok(l.includes(k), k);
    const r = items.find((i) => i.label === 'replicas');
    assert.equal(r.kind, 10);
    assert.ok(r.documentation.value.startsWith('**`replicas`** — integer or range'), r.documentation.value);
    assert.deepEqual(r.textEdit.range, { start: pos(personage, '  when dev { replicas = 1  cpu = 100m..300m'), end: pos(personage, '  when dev { replicas = 1  cpu = 100m..300m', 0, 4) });
  });
  await check('completion: enum values', async () => {
    assert.deepEqual(labels(await completeAt('  summary  = "Database is down"', 0, '  severity = \n')).slice(0), ['critical', 'warning', 'info']);
  });
  await check('completion: units after a number', async () => {
    assert.deepEqual(labels(await completeAt('  retain   = 30d\n}\n\npipeline', 17, '  storage = 20\n')),
      ['Mi', 'Gi', 'Ki', 'Ti', 'Pi', 'k', 'M', 'G', 'T', 'P']);
    assert.deepEqual(labels(await completeAt('  retain   = 30d\n}\n\npipeline', 17, '  restore_within = 4\n')), ['s', 'm', 'h', 'd', 'w']);
  });
  await check('completion: workload names in `needs`', async () => {
    assert.deepEqual(labels(await completeAt('  env       { Jwt__SigningKey', 0, '  needs = [postgres, \n')),
      ['api-service', 'auth-service', 'processor-service', 'postgres', 'redis', 'kafka']);
  });
  await check('completion: environment names after `when`', async () => {
    assert.deepEqual(labels(await completeAt('  env       { Jwt__SigningKey', 0, '  when \n')), ['dev', 'staging', 'production']);
  });
  await check('completion: metric names in an alert expression', async () => {
    const items = await completeAt('  for      = 1m', 0, '  expr = "rate(personage_\n');
    assert.deepEqual(labels(items), ['personage_api_request_duration_seconds', 'personage_api_requests_total', 'personage_api_errors_total',
      'personage_db_connections_active', 'personage_cache_hit_ratio', 'personage_users_active_total',
      'personage_events_processed_total', 'personage_llm_requests_total']);
  });

  // ---- formatting, outline, tokens, folding, inlay hints -------------------------------------
  await check('formatting: the text of `stackc fmt`', async () => {
    const messy = personage.replace('  image     = "api-service"', '  image = "api-service"').replace('  replicas  = 3..10', 'replicas=3..10');
    await change(P, [{ text: messy }]);
    const edits = await req('textDocument/formatting', { textDocument: { uri: P }, options: { tabSize: 2, insertSpaces: true } });
    const tmp = path.join(fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'lsp-fmt-')), 'p.stack');
    fs.writeFileSync(tmp, messy);
    const want = execFileSync(stackc, ['fmt', '--stdout', tmp], { encoding: 'utf8' });
    assert.notEqual(want, messy);
    const lines = messy.split('\n');
    assert.deepEqual(edits, [{ range: { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: 0 } }, newText: want }]);
    await change(P, [{ text: personage }]);
    assert.deepEqual(await req('textDocument/formatting', { textDocument: { uri: P }, options: { tabSize: 2, insertSpaces: true } }), []);
  });
  await check('documentSymbol: the outline', async () => {
    const s = await req('textDocument/documentSymbol', { textDocument: { uri: P } });
    assert.deepEqual(s.map((x) => x.name), ['std/postgres', 'std/redis', 'std/kafka', 'personage', 'minimal', 'yandex', 'dev', 'staging',
      'production', 'secrets', 'api-service', 'auth-service', 'processor-service', 'postgres', 'redis', 'kafka', 'monitoring',
      'HighAPIErrorRate', 'DatabaseDown', 'HighMemoryUsage', 'postgres-daily', 'config', 'pipeline']);
    const api = s.find((x) => x.name === 'api-service');
    assert.equal(api.detail, 'service');
    assert.equal(api.kind, 5);
    assert.deepEqual(api.selectionRange, range(personage, 'api-service', 0));
    assert.deepEqual(api.children.map((c) => c.name), ['build', 'http', 'autoscale', 'ingress', 'health', 'env', 'metrics', 'when dev']);
  });
  await check('semanticTokens/full: tokens by meaning', async () => {
    const { data } = await req('textDocument/semanticTokens/full', { textDocument: { uri: P } });
    const legend = init.capabilities.semanticTokensProvider.legend;
    const toks = [];
    let line = 0, ch = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]; ch = data[i] ? data[i + 1] : ch + data[i + 1];
      const text = personage.split('\n')[line].substr(ch, data[i + 2]);
      toks.push(`${line}:${ch} ${legend.tokenTypes[data[i + 3]]}${data[i + 4] ? '+decl' : ''} ${text}`);
    }
    const svc = pos(personage, 'service api-service').line;
    const want = [`${svc}:0 keyword service`, `${svc}:8 class+decl api-service`, `${svc + 1}:2 property image`, `${svc + 1}:14 string "api-service"`,
      `${svc + 2}:2 property build`, `${svc + 2}:14 property context`, `${svc + 2}:24 string "services/api-service"`,
      `${svc + 3}:14 number 3`, `${svc + 3}:17 number 10`, `${svc + 3}:49 comment # AC-095`, `${svc + 4}:7 parameter+decl http`];
    for (const w of want) assert.ok(toks.includes(w), `${w} not in\n${toks.filter((t) => t.startsWith(`${svc}:`) || t.startsWith(`${svc + 1}:`) || t.startsWith(`${svc + 2}:`) || t.startsWith(`${svc + 3}:`) || t.startsWith(`${svc + 4}:`)).join('\n')}`);
    assert.ok(toks.includes(`${pos(personage, 'auth-service, postgres').line}:${pos(personage, 'auth-service, postgres').character} variable auth-service`));
    assert.ok(toks.includes(`${pos(personage, 'http("/healthz")').line}:${pos(personage, 'http("/healthz")').character} function http`));
    assert.ok(toks.includes(`${pos(personage, 'severity = critical').line}:${pos(personage, 'severity = critical', 0, 11).character} enumMember critical`));
  });
  // LSP's relative integers as absolute `line:character length type modifiers` strings.
  const absolute = (data) => {
    const out = [];
    let line = 0, ch = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]; ch = data[i] ? data[i + 1] : ch + data[i + 1];
      out.push(`${line}:${ch} ${data[i + 2]} ${data[i + 3]} ${data[i + 4]}`);
    }
    return out;
  };
  await check('semanticTokens/range: the tokens of full that overlap the range', async () => {
    const full = await req('textDocument/semanticTokens/full', { textDocument: { uri: P } });
    const svc = pos(personage, 'service api-service').line;
    const r = await req('textDocument/semanticTokens/range', { textDocument: { uri: P }, range: { start: { line: svc, character: 0 }, end: { line: svc + 2, character: 0 } } });
    assert.equal(r.resultId, undefined);
    const inLines = absolute(full.data).filter((t) => { const l = Number(t.split(':')[0]); return l === svc || l === svc + 1; });
    assert.deepEqual(absolute(r.data), inLines);
    // `service api-service {` then `image = "api-service"`: keyword, class+declaration, property, string.
    assert.deepEqual(absolute(r.data), [`${svc}:0 7 0 0`, `${svc}:8 11 2 1`, `${svc + 1}:2 5 1 0`, `${svc + 1}:14 13 3 0`]);
    const part = await req('textDocument/semanticTokens/range', { textDocument: { uri: P }, range: { start: { line: svc, character: 10 }, end: { line: svc, character: 11 } } });
    assert.deepEqual(absolute(part.data), [`${svc}:8 11 2 1`]);
  });
  await check('semanticTokens/full/delta: edits that turn the last list into the new one', async () => {
    const before = await req('textDocument/semanticTokens/full', { textDocument: { uri: P } });
    assert.equal(typeof before.resultId, 'string');
    const same = await req('textDocument/semanticTokens/full/delta', { textDocument: { uri: P }, previousResultId: before.resultId });
    assert.deepEqual(same.edits, []);
    // `replicas  = 2..6` becomes `replicas  = 2..60  # more`: one number longer, one comment more.
    const at = pos(personage, 'replicas  = 2..6', 0, 16);
    const n = seen(P);
    await change(P, [{ range: { start: at, end: at }, text: '0  # more' }]);
    await nextDiags(P, n);
    const delta = await req('textDocument/semanticTokens/full/delta', { textDocument: { uri: P }, previousResultId: same.resultId });
    assert.equal(delta.edits.length, 1, JSON.stringify(delta));
    const data = before.data.slice();
    const e = delta.edits[0];
    data.splice(e.start, e.deleteCount, ...(e.data || []));
    const after = await req('textDocument/semanticTokens/full', { textDocument: { uri: P } });
    assert.deepEqual(data, after.data);
    const toks = absolute(after.data);
    assert.ok(toks.includes(`${at.line}:${at.character - 1} 2 4 0`), 'the number 60');
    assert.ok(toks.includes(`${at.line}:${at.character + 3} 6 5 0`), 'the comment');
    const stale = await req('textDocument/semanticTokens/full/delta', { textDocument: { uri: P }, previousResultId: before.resultId });
    assert.deepEqual(stale.data, after.data);
    const m = seen(P);
    await change(P, [{ text: personage }]);
    await nextDiags(P, m);
  });
  await check('foldingRange: blocks and comment runs', async () => {
    const f = await req('textDocument/foldingRange', { textDocument: { uri: P } });
    const svc = pos(personage, 'service api-service').line;
    const end = pos(personage, '}\n\nservice auth-service').line;
    assert.ok(f.some((r) => r.startLine === svc && r.endLine === end && r.kind === 'region'), JSON.stringify(f.slice(0, 8)));
  });
  await check('inlayHint: per-environment values where `when` changes them', async () => {
    const h = await req('textDocument/inlayHint', { textDocument: { uri: P }, range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } } });
    const at = pos(personage, 'replicas  = 3..10', 0, 17);
    const r = h.find((x) => x.position.line === at.line);
    assert.deepEqual(r.position, at);
    assert.equal(r.label, 'dev: 1, staging: 3..10, production: 3..10');
    assert.equal(h.filter((x) => x.tooltip.includes('`cpu` of `api-service`'))[0].label, 'dev: 200m..500m, staging: 500m..1, production: 500m..1');
  });

  // ---- several files, UTF-16, broken files ---------------------------------------------------
  const common = fs.readFileSync(shopCommon, 'utf8'), main = fs.readFileSync(shopMain, 'utf8');
  await check('an imported file alone: checked as part of the stack that imports it', async () => {
    const n = seen(C);
    await open(C, common);
    assert.deepEqual((await nextDiags(C, n)).diagnostics, []);
    const m = seen(C);
    const at = pos(common, '100m..200m', 0, 3);
    await change(C, [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: 'x' }]);
    const d = (await nextDiags(C, m)).diagnostics;
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0].code, 'E2004');
    assert.ok(d[0].message.startsWith('`100x` is not a CPU quantity'), d[0].message);
    assert.equal(d[0].range.start.line, at.line);
  });
  await check('two open files in one stack: definition across files, errors clear when fixed', async () => {
    const n = seen(M);
    await open(M, main);
    await nextDiags(M, n);
    const d = await req('textDocument/definition', { textDocument: { uri: M }, position: pos(main, 'from base', 0, 6) });
    assert.deepEqual(d, { uri: C, range: range(common, 'base') });
    const i = await req('textDocument/definition', { textDocument: { uri: M }, position: pos(main, './common.stack', 0, 4) });
    assert.deepEqual(i, { uri: C, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
    const t = await req('textDocument/completion', { textDocument: { uri: M }, position: pos(main, 'from base', 0, 5) });
    assert.deepEqual(labels(t), ['postgres', 'base']);  // in import order: std/postgres first
    const h = await req('textDocument/hover', { textDocument: { uri: M }, position: pos(main, 'service web', 0, 9) });
    assert.ok(h.contents.value.includes('| dev | 1 | 100m..200m | 128Mi..256Mi |'), h.contents.value);
    const c = seen(C);
    await change(C, [{ text: common }]);
    assert.deepEqual((await nextDiags(C, c)).diagnostics, []);
    const r = await req('textDocument/references', { textDocument: { uri: C }, position: pos(common, 'base'), context: { includeDeclaration: true } });
    assert.deepEqual(r, [{ uri: C, range: range(common, 'base') }, { uri: M, range: range(main, 'base') }]);
  });
  await check('a change on disk of an import that is not open (workspace/didChangeWatchedFiles)', async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'lsp-watch-'));
    fs.copyFileSync(shopMain, path.join(dir, 'main.stack'));
    fs.copyFileSync(shopCommon, path.join(dir, 'common.stack'));
    const WM = uriOf(path.join(dir, 'main.stack')), WC = uriOf(path.join(dir, 'common.stack'));
    const n = seen(WM);
    await open(WM, main);
    assert.deepEqual((await nextDiags(WM, n)).diagnostics, []);
    const c = seen(WC);
    fs.writeFileSync(path.join(dir, 'common.stack'), common.replace('memory = ', 'memroy = '));
    await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: WC, type: 2 }] });
    const d = (await nextDiags(WC, c)).diagnostics;
    assert.deepEqual(d.map((x) => [x.code, x.message.split('\n')[0], x.range]),
      [['E2001', 'unknown key `memroy` in `service`', range(common, 'memory')]]);
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri: WM } });
    fs.rmSync(dir, { recursive: true });
  });
  await check('a Dockerfile\'s diagnostics: in the Dockerfile, and where the stack names it', async () => {
    const stackPath = path.join(root, 'tests/lsp/fixtures/docker/main.stack');
    const dfPath = path.join(root, 'tests/lsp/fixtures/docker/docker/api/Dockerfile');
    const stackText = fs.readFileSync(stackPath, 'utf8');
    const dfText = fs.readFileSync(dfPath, 'utf8');
    const S = uriOf(stackPath), D = uriOf(dfPath);
    const ns = seen(S), nd = seen(D);
    await open(S, stackText);
    const inStack = (await nextDiags(S, ns)).diagnostics;
    const inFile = (await nextDiags(D, nd)).diagnostics;
    const from = range(dfText, 'FROM gcr.io/distroless/static-debian12:debug AS runtime');
    const message = 'the stage `runtime` of `api` sets no `USER`: it runs as its base image\'s user, root for most images, and the pod runs as user 65532\nhelp: add `USER 65532:65532` to the stage, the pod\'s user';
    const common = { code: 'E2066', codeDescription: { href: 'https://github.com/stackc/stackc/blob/main/specs/diagnostics/E2066.md' }, severity: 1, source: 'stackc' };
    assert.deepEqual(inFile, [{ ...common, range: from, message }]);
    assert.deepEqual(inStack, [{
      ...common,
      range: range(stackText, '"docker/api"'),
      message: `in \`docker/api/Dockerfile\`, line 6: ${message}`,
      relatedInformation: [{ location: { uri: D, range: from }, message: 'here, in the file' }],
    }]);
    // The Dockerfile opened and fixed, unsaved: both lists are published empty.
    const fixed = dfText.replace('ENTRYPOINT', 'USER 65532:65532\nENTRYPOINT');
    const ms = seen(S), md = seen(D);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: D, languageId: 'dockerfile', version: ++version, text: fixed } });
    assert.deepEqual((await nextDiags(D, md)).diagnostics, []);
    assert.deepEqual((await nextDiags(S, ms)).diagnostics, []);
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri: D } });
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri: S } });
  });
  await check('UTF-16 ranges after non-BMP characters', async () => {
    const U = uriOf(path.join(root, 'tests/lsp/fixtures/unsaved-utf16.stack'));
    const text = 'stack s {\n  registry = "ghcr.io/x"\n  version = "1"\n  owner = "🚀🚀 é" vershun = "2"\n}\n';
    const n = seen(U);
    await open(U, text);
    const d = (await nextDiags(U, n)).diagnostics;
    const bad = d.find((x) => x.code === 'E2001');
    assert.ok(bad, JSON.stringify(d));
    assert.deepEqual(bad.range, range(text, 'vershun'));
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri: U } });
  });
  await check('a broken file mid-edit: diagnostics and the symbols that can be found', async () => {
    const n = seen(P);
    const at = pos(personage, 'worker processor-service');
    await change(P, [{ range: { start: at, end: at }, text: 'service half-written {\n  image = \n' }]);
    const d = (await nextDiags(P, n)).diagnostics;
    assert.ok(d.length >= 1 && d.every((x) => /^E1/.test(x.code)), JSON.stringify(d));
    const s = await req('textDocument/documentSymbol', { textDocument: { uri: P } });
    const names = s.map((x) => x.name);
    for (const w of ['api-service', 'auth-service', 'processor-service', 'postgres', 'HighAPIErrorRate', 'pipeline']) assert.ok(names.includes(w), names.join(','));
    const h = await req('textDocument/hover', { textDocument: { uri: P }, position: pos(personage, 'service api-service', 0, 9) });
    assert.ok(h.contents.value.includes('| dev | 1 | 200m..500m | 256Mi..512Mi |'), 'hover from the last good model');
    const m = seen(P);
    await change(P, [{ text: personage }]);
    assert.deepEqual((await nextDiags(P, m)).diagnostics, []);
  });
  await check('an unknown method and bad params get JSON-RPC errors', async () => {
    await assert.rejects(req('textDocument/unknownThing', {}), (e) => e.code === -32601);
    await assert.rejects(req('textDocument/hover', { textDocument: { uri: P } }), (e) => e.code === -32602);
  });

  await check('shutdown and exit', async () => {
    assert.equal(await req('shutdown', null), null);
    const exited = new Promise((r) => proc.on('exit', (code) => r(code)));
    await conn.sendNotification('exit');
    assert.equal(await Promise.race([exited, timeout(5000, 'exit')]), 0);
  });
} catch (e) {
  failed++;
  console.log(`FAIL session: ${e.stack}`);
}
console.log(`latency (ms): open ${latency.open?.toFixed(1)}, diagnostics after a one-character edit median ${latency.diagnostics_median?.toFixed(1)} max ${latency.diagnostics_max?.toFixed(1)}, completion ${latency.completion?.toFixed(1)}`);
console.log(`${passed} passed, ${failed} failed`);
conn.dispose();
proc.kill();
process.exit(failed ? 1 : 0);
