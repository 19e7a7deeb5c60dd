#!/usr/bin/env node
// Validates the `compose` target's projects (compose/<env>/) against the Compose Specification
// JSON schema (schemas/compose/compose-spec.json, the schema Docker Compose 2.20+ validates with)
// using ajv, and checks what the schema cannot: every `depends_on`, `network_mode: service:X`,
// secret and named volume a service uses is declared; every `${VAR}` the file reads is listed in
// .env.example, which holds names only (never a value); bind mounts point at files that exist.
//
//   node compose-validate.js COMPOSE_DIR...     (e.g. out/personage/compose)
//
// Exit 0 when every project passes, 1 otherwise, 2 on misuse.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const Ajv = require('ajv');

const schema = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, 'schemas/compose/compose-spec.json'), 'utf8'));
// The schema names its draft-07 meta-schema by an https URL, which ajv does not know by that
// name: the schema is used as published, without checking it against its meta-schema.
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
const validate = ajv.compile(schema);

const args = process.argv.slice(2);
if (args.length === 0) {
  process.stderr.write('usage: compose-validate.js COMPOSE_DIR...\n');
  process.exit(2);
}

let passed = 0;
let failed = 0;
for (const dir of args) {
  const envs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())
    .map((e) => e.name).sort();
  if (envs.length === 0) {
    console.log(`${dir}: no project`);
    failed++;
  }
  for (const env of envs) {
    const project = path.join(dir, env);
    const file = path.join(project, 'compose.yaml');
    const errors = [];
    let doc = null;
    try {
      // Compose reads YAML 1.2 (compose-go uses yaml.v3).
      doc = YAML.parse(fs.readFileSync(file, 'utf8'), { version: '1.2' });
    } catch (e) {
      errors.push(`not YAML: ${e.message}`);
    }
    if (doc && !validate(doc)) {
      for (const e of validate.errors) errors.push(`schema: ${e.instancePath} ${e.message}`);
    }
    let example = '';
    try {
      example = fs.readFileSync(path.join(project, '.env.example'), 'utf8');
    } catch (e) {
      errors.push('no .env.example');
    }
    const listed = new Set();
    for (const line of example.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
      if (!m) errors.push(`.env.example: not NAME=: ${line}`);
      else if (m[2] !== '') errors.push(`.env.example: ${m[1]} has a value`);
      else listed.add(m[1]);
    }
    if (doc) {
      const services = doc.services || {};
      const secrets = new Set(Object.keys(doc.secrets || {}));
      const volumes = new Set(Object.keys(doc.volumes || {}));
      for (const [name, s] of Object.entries(services)) {
        const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on || {});
        for (const d of deps) if (!services[d]) errors.push(`${name}: depends on unknown ${d}`);
        if (s.network_mode && s.network_mode.startsWith('service:') &&
            !services[s.network_mode.slice(8)])
          errors.push(`${name}: network_mode of unknown ${s.network_mode}`);
        for (const x of s.secrets || []) {
          const id = typeof x === 'string' ? x : x.source;
          if (!secrets.has(id)) errors.push(`${name}: unknown secret ${id}`);
        }
        for (const v of s.volumes || []) {
          if (v.type === 'volume' && v.source && !volumes.has(v.source))
            errors.push(`${name}: undeclared volume ${v.source}`);
          if (v.type === 'bind' && !fs.existsSync(path.resolve(project, v.source)))
            errors.push(`${name}: bind source ${v.source} does not exist`);
        }
      }
      for (const [id, s] of Object.entries(doc.secrets || {}))
        if (!listed.has(s.environment)) errors.push(`secret ${id}: ${s.environment} not in .env.example`);
      // Every variable Compose interpolates (`$$` is a literal dollar).
      const text = fs.readFileSync(file, 'utf8').replace(/\$\$/g, '');
      for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g))
        if (!listed.has(m[1])) errors.push(`\${${m[1]}} is not in .env.example`);
    }
    if (errors.length) {
      failed++;
      console.log(`FAIL ${file}`);
      for (const e of errors.slice(0, 20)) console.log(`  ${e}`);
    } else {
      passed++;
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
