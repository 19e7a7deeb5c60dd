// Latency and memory of `stackc lsp` (specs/lsp.md), with a minimal stdio client (no packages):
// from `didChange` (a one-character edit) sent to `publishDiagnostics` received (and to the
// answer of a hover sent after them: the server ready again; the next edit waits for it), on
// examples/personage and on a generated fleet of N services (bench/gen_fleet.py); completion
// requests; and the server's resident memory after 10 and after 1,000 edits (it should be flat).
//   node bench/lsp_latency.mjs [STACKC] [N]     defaults: build/compiler/stackc 1000
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stackc = path.resolve(process.argv[2] || path.join(root, 'build/compiler/stackc'));
const fleetSize = Number(process.argv[3] || 1000);

function server() {
  const proc = spawn(stackc, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buf = Buffer.alloc(0);
  const waiters = [];
  proc.stdout.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) return;
      const n = Number(/Content-Length: (\d+)/.exec(buf.subarray(0, h).toString())[1]);
      if (buf.length < h + 4 + n) return;
      const msg = JSON.parse(buf.subarray(h + 4, h + 4 + n).toString());
      buf = buf.subarray(h + 4 + n);
      const i = waiters.findIndex((w) => w.match(msg));
      if (i >= 0) waiters.splice(i, 1)[0].resolve(msg);
    }
  });
  let id = 0;
  const send = (m) => { const b = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m })); proc.stdin.write(`Content-Length: ${b.length}\r\n\r\n`); proc.stdin.write(b); };
  const wait = (match) => new Promise((resolve) => waiters.push({ match, resolve }));
  return {
    proc,
    request(method, params) { const i = ++id; const p = wait((m) => m.id === i); send({ id: i, method, params }); return p; },
    notify(method, params, uri) { const p = uri ? wait((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri) : null; send({ method, params }); return p; },
    rss() { return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]) / 1024; },
  };
}

const stats = (xs) => { const s = [...xs].sort((a, b) => a - b); return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)], max: s[s.length - 1] }; };
const fmt = (s) => `median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;

async function measure(name, file, text, edits, needle) {
  const s = server();
  await s.request('initialize', { capabilities: {} });
  const uri = pathToFileURL(file).href;
  let version = 1;
  await s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'stack', version, text } }, uri);
  const at = text.indexOf(needle) + needle.length - 1;
  const line = text.slice(0, at).split('\n').length - 1;
  const character = at - (text.lastIndexOf('\n', at - 1) + 1);
  const times = [], idle = [];
  let rss10 = 0;
  for (let i = 0; i < edits; i++) {
    const t0 = performance.now();
    await s.notify('textDocument/didChange', { textDocument: { uri, version: ++version },
      contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 1 } }, text: i % 2 ? needle.at(-1) : '9' }] }, uri);
    times.push(performance.now() - t0);
    // A hover (answered after whatever the server does once the diagnostics are out: the symbol
    // index) before the next edit, as a pause in typing gives it: each edit is timed alone.
    await s.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });
    idle.push(performance.now() - t0);
    if (i === 9) rss10 = s.rss();
  }
  const completion = [];
  for (let i = 0; i < Math.min(100, edits); i++) {
    const t0 = performance.now();
    await s.request('textDocument/completion', { textDocument: { uri }, position: { line, character: 0 } });
    completion.push(performance.now() - t0);
  }
  console.log(`${name}: diagnostics after a one-character edit (${edits} edits): ${fmt(stats(times))}`);
  console.log(`${name}: ready for the next request (a hover answered): ${fmt(stats(idle))}`);
  console.log(`${name}: completion: ${fmt(stats(completion))}`);
  console.log(`${name}: server RSS after 10 edits ${rss10.toFixed(1)} MiB, after ${edits} ${s.rss().toFixed(1)} MiB`);
  await s.request('shutdown', null);
  s.notify('exit', null);
}

const personage = path.join(root, 'examples/personage/personage.stack');
await measure('personage', personage, fs.readFileSync(personage, 'utf8'), 1000, 'replicas  = 3..10');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsp-bench-'));
const fleet = path.join(dir, 'fleet.stack');
fs.writeFileSync(fleet, execFileSync('python3', [path.join(root, 'bench/gen_fleet.py'), String(fleetSize)], { maxBuffer: 1 << 30 }));
await measure(`fleet of ${fleetSize}`, fleet, fs.readFileSync(fleet, 'utf8'), 100, 'replicas  = 2..1');
fs.rmSync(dir, { recursive: true });
