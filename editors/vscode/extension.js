// Starts `alliance lsp` for Markdown and YAML files and hands it to VS Code:
// diagnostics, fixes, completion, hover, symbols and go-to-definition come
// from the server; this file only starts it. The server writes no file.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('alliance').get('path') || 'alliance';
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'file', language: 'yaml' },
    ],
  };
  client = new LanguageClient('alliance', 'alliance', serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
