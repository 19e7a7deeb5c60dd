// Module loader hook for @actions/workflow-parser, whose ES modules import its JSON schemas
// without import attributes (`import X from "./x.json"`), which Node rejects
// (ERR_IMPORT_ATTRIBUTE_MISSING). The hook adds `{type: 'json'}` to every `.json` import.
//
// Used two ways:
//   node --import ./json-import-hook.mjs script.mjs     (this file registers itself)
//   module.register('./json-import-hook.mjs', base)     (what actions-check.js does)
import { isMainThread } from 'node:worker_threads';
import { register } from 'node:module';

export async function load(url, context, nextLoad) {
  if (url.endsWith('.json') && context.importAttributes?.type !== 'json') {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  }
  return nextLoad(url, context);
}

// Loaded with --import (main thread): register this very file as the hooks module. In the hooks
// thread itself, where register() is evaluated again, nothing more is done.
if (isMainThread && !globalThis.__stackcJsonHook) {
  globalThis.__stackcJsonHook = true;
  register(import.meta.url);
}
