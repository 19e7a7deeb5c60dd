#!/usr/bin/env node
// Validates Kubernetes objects against the strict v1.32.2 JSON schemas (kubeconform's layout)
// with ajv, the way kubeconform does, but offline and with the project's own schema copy.
//
//   node k8s-validate.js [-v] FILE_OR_DIR... | -
//
// Every *.yaml / *.yml under each directory (recursively), every named file, or a stream on
// stdin ("-") is read as a multi-document YAML stream; empty documents are skipped. Each
// document is validated against SCHEMAS/<kind>-<group first label>-<version>.json
// (apps/v1 Deployment -> deployment-apps-v1.json, v1 Service -> service-v1.json).
//
// Environment:
//   K8S_SCHEMAS        schema folder (default: the project's copy, schemas/v1.32.2-standalone-strict
//                      beside this script; see schemas/README.md)
//   K8S_ALLOW_MISSING  comma-separated API groups (e.g. "external-secrets.io") whose documents
//                      are reported "skipped (no schema)" instead of failing when no schema file
//                      exists. Use "core" for the core group.
//
// Output: one line per failing document (file, 1-based document index, kind/name, ajv errors),
// then "K skipped (no schema)" when some were skipped, then the closing line "N passed, M failed".
// Exit 0 when nothing failed, 1 when a document failed (or no document was found), 2 on misuse.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const SCHEMA_DIR = process.env.K8S_SCHEMAS
  ? path.resolve(process.env.K8S_SCHEMAS)
  : path.resolve(__dirname, 'schemas/v1.32.2-standalone-strict');
const ALLOW_MISSING = new Set(
  (process.env.K8S_ALLOW_MISSING || '').split(',').map((s) => s.trim()).filter(Boolean));

function usage(msg) {
  if (msg) process.stderr.write(`k8s-validate: ${msg}\n`);
  process.stderr.write('usage: k8s-validate.js [-v] FILE_OR_DIR... | -\n');
  process.exit(2);
}

// ---- inputs -------------------------------------------------------------------------------

function walk(dir, out) {
  const entries = fs.readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p, out);
    } else if (/\.ya?ml$/.test(e.name)) {
      out.push(p);
    }
  }
}

function collectInputs(args) {
  const inputs = []; // {name, text}
  for (const a of args) {
    if (a === '-') {
      inputs.push({ name: '<stdin>', text: fs.readFileSync(0, 'utf8') });
      continue;
    }
    let st;
    try { st = fs.statSync(a); } catch (e) { usage(`cannot read ${a}: ${e.code || e.message}`); }
    const files = [];
    if (st.isDirectory()) walk(a, files); else files.push(a);
    for (const f of files) inputs.push({ name: f, text: fs.readFileSync(f, 'utf8') });
  }
  return inputs;
}

// ---- schemas ------------------------------------------------------------------------------

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// OpenAPI formats that ajv-formats does not know; Kubernetes does not check them either.
for (const f of ['int-or-string', 'quantity', 'string', 'uint32', 'uint64']) {
  if (!ajv.formats[f]) ajv.addFormat(f, true);
}
const KNOWN_META = new Set([
  'http://json-schema.org/draft-07/schema', 'http://json-schema.org/draft-07/schema#',
]);
const compiled = new Map(); // file name -> validate fn | null (absent)

function schemaFileName(apiVersion, kind) {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const groupPart = group ? '-' + group.split('.')[0] : '';
  return { group, file: `${kind.toLowerCase()}${groupPart}-${version}.json` };
}

// Go's regexp takes an inline `(?i)` flag (the Prometheus Operator's CRDs use it); JavaScript's
// does not. Such patterns are rewritten with every ASCII letter as a two-letter class, which
// matches what Go matches.
function caseInsensitivePatterns(node) {
  if (Array.isArray(node)) return node.forEach(caseInsensitivePatterns);
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'pattern' && typeof v === 'string' && v.includes('(?i)')) {
      let out = '';
      let inClass = false;
      const src = v.replace('(?i)', '');
      for (let i = 0; i < src.length; i++) {
        const c = src[i];
        if (c === '\\') { out += c + (src[i + 1] || ''); i++; continue; }
        if (c === '[') inClass = true;
        if (c === ']') inClass = false;
        if (/[a-zA-Z]/.test(c)) out += inClass ? c.toLowerCase() + c.toUpperCase()
                                               : `[${c.toLowerCase()}${c.toUpperCase()}]`;
        else out += c;
      }
      node[k] = out;
    } else {
      caseInsensitivePatterns(v);
    }
  }
}

function validatorFor(file) {
  if (compiled.has(file)) return compiled.get(file);
  const p = path.join(SCHEMA_DIR, file);
  let fn = null;
  if (fs.existsSync(p)) {
    const schema = JSON.parse(fs.readFileSync(p, 'utf8'));
    // kubeconform's schemas say "$schema": "http://json-schema.org/schema#", which ajv 8 does
    // not resolve; they are draft-04-compatible and validate the same under ajv's draft-07.
    if (schema.$schema && !KNOWN_META.has(schema.$schema)) delete schema.$schema;
    delete schema.$id;
    caseInsensitivePatterns(schema);
    fn = ajv.compile(schema);
  }
  compiled.set(file, fn);
  return fn;
}

function formatError(e) {
  let msg = `${e.instancePath || '/'}: ${e.message}`;
  const p = e.params || {};
  if (p.additionalProperty !== undefined) msg += ` (${JSON.stringify(p.additionalProperty)})`;
  else if (p.allowedValues !== undefined) msg += ` (${JSON.stringify(p.allowedValues)})`;
  return msg;
}

// ---- main ---------------------------------------------------------------------------------

function main(argv) {
  let verbose = false;
  const args = [];
  for (const a of argv) {
    if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-') && a !== '-') usage(`unknown option ${a}`);
    else args.push(a);
  }
  if (args.length === 0) usage('no input');
  if (!fs.existsSync(SCHEMA_DIR)) usage(`schema folder not found: ${SCHEMA_DIR} (set K8S_SCHEMAS)`);

  let passed = 0, failed = 0, skipped = 0;
  const fail = (where, what, errs) => {
    failed++;
    process.stdout.write(`FAIL ${where} ${what}: ${errs.join('; ')}\n`);
  };

  for (const input of collectInputs(args)) {
    // YAML 1.1, as the API server and kubectl read YAML (sigs.k8s.io/yaml on go-yaml v2):
    // "yes"/"on" are booleans there, so they must be here too.
    const docs = YAML.parseAllDocuments(input.text, { version: '1.1', prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [docs];
    let index = 0;
    for (const doc of list) {
      index++;
      const where = `${input.name}#${index}`;
      if (doc.errors && doc.errors.length) {
        fail(where, '<unparsable>', doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
        continue;
      }
      const obj = doc.toJS({ maxAliasCount: 1000 });
      if (obj === null || obj === undefined) continue; // empty document (index still counts it)
      if (typeof obj !== 'object' || Array.isArray(obj)) {
        fail(where, '<not an object>', ['document is not a mapping']);
        continue;
      }
      const kind = obj.kind, apiVersion = obj.apiVersion;
      const name = (obj.metadata && (obj.metadata.name || obj.metadata.generateName)) || '<no name>';
      const what = `${kind || '<no kind>'}/${name}`;
      if (typeof kind !== 'string' || !kind || typeof apiVersion !== 'string' || !apiVersion) {
        fail(where, what, ['missing apiVersion or kind']);
        continue;
      }
      const { group, file } = schemaFileName(apiVersion, kind);
      let validate;
      try {
        validate = validatorFor(file);
      } catch (e) {
        fail(where, what, [`schema ${file} does not compile: ${e.message}`]);
        continue;
      }
      if (!validate) {
        if (ALLOW_MISSING.has(group || 'core')) {
          skipped++;
          process.stdout.write(`SKIP ${where} ${what}: skipped (no schema ${file})\n`);
        } else {
          fail(where, what, [`no schema ${file} for ${apiVersion} ${kind} in ${SCHEMA_DIR}` +
            ` (add the group to K8S_ALLOW_MISSING to skip it)`]);
        }
        continue;
      }
      if (validate(obj)) {
        passed++;
        if (verbose) process.stdout.write(`ok   ${where} ${what}\n`);
      } else {
        fail(where, what, validate.errors.map(formatError));
      }
    }
  }
  const none = passed + failed + skipped === 0;
  if (none) process.stderr.write('k8s-validate: no YAML documents found\n');
  if (skipped) process.stdout.write(`${skipped} skipped (no schema)\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed || none ? 1 : 0;
}

main(process.argv.slice(2));
