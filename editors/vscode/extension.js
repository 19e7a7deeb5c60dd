// The .stack extension's client: starts `stackc lsp` (the language server of the compiler) over
// stdio with vscode-languageclient and hands it every .stack file of the workspace. Highlighting,
// brackets, comments and indentation come from the grammar and language-configuration.json and
// work without the server.
'use strict';
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

// The command line of the server, from the settings `stack.server.path` and `stack.server.args`.
function serverCommand(config) {
  const command = config.get('server.path') || 'stackc';
  const args = config.get('server.args') || ['lsp'];
  return { command, args, transport: TransportKind.stdio };
}

async function start(context) {
  const config = vscode.workspace.getConfiguration('stack');
  if (!config.get('server.enable', true)) return;
  const run = serverCommand(config);
  client = new LanguageClient(
    'stack',
    'stackc language server',
    { run, debug: run },
    {
      documentSelector: [{ language: 'stack' }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.stack') },
      outputChannelName: 'stackc lsp',
    },
  );
  try {
    await client.start();
  } catch (e) {
    vscode.window.showWarningMessage(
      `stackc lsp did not start (${run.command} ${run.args.join(' ')}): ${e.message}. ` +
        'Set "stack.server.path" to the stackc binary; highlighting works without it.',
    );
  }
}

async function stop() {
  if (client) {
    const c = client;
    client = undefined;
    await c.stop();
  }
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('stack.restartServer', async () => {
      await stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('stack.server')) {
        await stop();
        await start(context);
      }
    }),
  );
  return start(context);
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverCommand };
