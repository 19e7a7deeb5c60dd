// The server under malformed input, byte by byte (no protocol library, which would refuse to
// send most of it): broken framing, bad JSON, requests out of order, unknown methods, malformed
// notifications; every request answered with the right JSON-RPC error, the server alive after
// each, and `exit` with the exit code the protocol asks for. Usage: node raw.mjs STACKC ROOT
import { spawn } from 'node:child_process';
import path from 'node:path';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const [stackc, root] = process.argv.slice(2).map((p) => path.resolve(p));
let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok   ${name}`); }
  catch (e) { failed++; console.log(`FAIL ${name}\n     ${String(e.stack).split('\n').join('\n     ')}`); }
}

function server() {
  const proc = spawn(stackc, ['lsp'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buf = Buffer.alloc(0);
  const inbox = [];
  let wake = null;
  proc.stdout.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const h = buf.indexOf('\r\n\r\n');
      if (h < 0) break;
      const m = /Content-Length: (\d+)/.exec(buf.subarray(0, h).toString());
      const n = Number(m[1]);
      if (buf.length < h + 4 + n) break;
      inbox.push(JSON.parse(buf.subarray(h + 4, h + 4 + n).toString()));
      buf = buf.subarray(h + 4 + n);
    }
    if (wake) wake();
  });
  const exited = new Promise((r) => proc.on('exit', (code) => r(code)));
  return {
    raw: (bytes) => proc.stdin.write(bytes),
    send: (msg) => { const b = Buffer.from(JSON.stringify(msg)); proc.stdin.write(`Content-Length: ${b.length}\r\n\r\n`); proc.stdin.write(b); },
    body: (text) => { const b = Buffer.from(text); proc.stdin.write(`Content-Length: ${b.length}\r\n\r\n`); proc.stdin.write(b); },
    async next() {
      const deadline = Date.now() + 5000;
      while (!inbox.length) {
        if (Date.now() > deadline) throw new Error('no answer');
        await new Promise((r) => { wake = r; setTimeout(r, 50); });
      }
      return inbox.shift();
    },
    inbox, exited, end: () => proc.stdin.end(), kill: () => proc.kill(),
  };
}
const errorOf = (m) => [m.id, m.error && m.error.code];

const s = server();
await check('a request before initialize: ServerNotInitialized', async () => {
  s.send({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: {} });
  assert.deepEqual(errorOf(await s.next()), [1, -32002]);
});
await check('a body that is not JSON: ParseError with id null', async () => {
  s.body('{"jsonrpc": "2.0", "id": 2, "method": ');
  assert.deepEqual(errorOf(await s.next()), [null, -32700]);
});
await check('a header without Content-Length: ParseError, then the next message is read', async () => {
  s.raw('Content-Type: application/vscode-jsonrpc\r\n\r\n');
  const m = await s.next();
  assert.deepEqual(errorOf(m), [null, -32700]);
  assert.equal(m.error.message, 'a message without a valid Content-Length header');
  s.raw('Content-Length: abc\r\n\r\n');
  assert.deepEqual(errorOf(await s.next()), [null, -32700]);
});
await check('a batch, a message without method or id, a method that is not a string: InvalidRequest', async () => {
  s.body('[{"jsonrpc": "2.0", "id": 3, "method": "initialize"}]');
  assert.deepEqual(errorOf(await s.next()), [null, -32600]);
  s.body('{"jsonrpc": "2.0"}');
  assert.deepEqual(errorOf(await s.next()), [null, -32600]);
  s.send({ jsonrpc: '2.0', id: 4, method: 42 });
  assert.deepEqual(errorOf(await s.next()), [4, -32600]);
  s.send({ jsonrpc: '2.0', id: { x: 1 }, method: 'initialize' });
  assert.deepEqual(errorOf(await s.next()), [null, -32600]);
});
await check('initialize, then a second initialize: InvalidRequest', async () => {
  s.send({ jsonrpc: '2.0', id: 5, method: 'initialize', params: { capabilities: {} } });
  const m = await s.next();
  assert.equal(m.id, 5);
  assert.equal(m.result.serverInfo.name, 'stackc');
  s.send({ jsonrpc: '2.0', id: 6, method: 'initialize', params: {} });
  assert.deepEqual(errorOf(await s.next()), [6, -32600]);
});
const uri = pathToFileURL(path.join(root, 'tests/lsp/fixtures/unsaved-raw.stack')).href;
await check('malformed notifications change nothing and get no answer; the server still answers', async () => {
  s.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri } } });
  s.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: 7 });
  s.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri }, contentChanges: 'x' } });
  s.send({ jsonrpc: '2.0', method: 'workspace/didChangeConfiguration', params: { settings: {} } });
  s.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
  s.send({ jsonrpc: '2.0', id: 7, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 0, character: 0 } } });
  assert.deepEqual(await s.next(), { jsonrpc: '2.0', id: 7, result: null });
});
await check('a change whose range lies outside the document is clamped; one with end before start is refused', async () => {
  s.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'stack', version: 1, text: 'stack s {\n}\n' } } });
  const first = await s.next();
  assert.equal(first.method, 'textDocument/publishDiagnostics');
  s.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 1 }, end: { line: 0, character: 0 } }, text: 'x' }] } });
  s.send({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version: 3 }, contentChanges: [{ range: { start: { line: 900, character: 5 }, end: { line: 900, character: 9 } }, text: '# end\n' }] } });
  const m = await s.next();
  assert.equal(m.params.version, 3);
  s.send({ jsonrpc: '2.0', id: 8, method: 'textDocument/formatting', params: { textDocument: { uri }, options: {} } });
  const f = await s.next();
  assert.equal(f.id, 8);
  assert.ok(Array.isArray(f.result));
});
await check('a burst of changes already waiting is checked once, at its end', async () => {
  // 12 one-character changes in one write of under 4 KiB (atomic on a pipe): the server reads
  // them together and publishes the diagnostics of the last version, not of each.
  let burst = '';
  for (let v = 10; v < 22; v++) {
    const b = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }] } });
    burst += `Content-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
  }
  assert.ok(burst.length < 4096, String(burst.length));
  s.raw(burst);
  const m = await s.next();
  assert.equal(m.method, 'textDocument/publishDiagnostics');
  assert.equal(m.params.version, 21);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(s.inbox.length, 0);
});
await check('unknown methods: MethodNotFound; params of the wrong type: InvalidParams', async () => {
  s.send({ jsonrpc: '2.0', id: 9, method: 'textDocument/noSuchThing', params: {} });
  assert.deepEqual(errorOf(await s.next()), [9, -32601]);
  s.send({ jsonrpc: '2.0', id: 10, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: -1, character: 'a' } } });
  assert.deepEqual(errorOf(await s.next()), [10, -32602]);
  s.send({ jsonrpc: '2.0', id: 11, method: 'textDocument/rename', params: { textDocument: { uri }, position: { line: 0, character: 0 } } });
  assert.deepEqual(errorOf(await s.next()), [11, -32602]);
  s.send({ jsonrpc: '2.0', id: 'str-id', method: 'textDocument/completion', params: [] });
  assert.deepEqual(errorOf(await s.next()), ['str-id', -32602]);
});
await check('after shutdown: requests are InvalidRequest; exit ends with 0', async () => {
  s.send({ jsonrpc: '2.0', id: 12, method: 'shutdown' });
  assert.deepEqual(await s.next(), { jsonrpc: '2.0', id: 12, result: null });
  s.send({ jsonrpc: '2.0', id: 13, method: 'textDocument/hover', params: {} });
  assert.deepEqual(errorOf(await s.next()), [13, -32600]);
  s.send({ jsonrpc: '2.0', method: 'exit' });
  assert.equal(await s.exited, 0);
});
await check('exit without shutdown ends with 1; so does the end of the input', async () => {
  const a = server();
  a.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
  await a.next();
  a.send({ jsonrpc: '2.0', method: 'exit' });
  assert.equal(await a.exited, 1);
  const b = server();
  b.raw('Content-Length: 99999999999\r\n\r\n{}');
  b.end();
  assert.equal(await b.exited, 1);
});
console.log(`${passed} passed, ${failed} failed`);
s.kill();
process.exit(failed ? 1 : 0);
