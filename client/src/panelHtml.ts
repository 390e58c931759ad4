// Points a webview at one of the project's browser bundles, with the strict CSP of webviewHtml.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { makeNonce, webviewHtml } from './webviewHtml';

export function loadBundle(webview: vscode.Webview, extensionUri: vscode.Uri, script: 'webview.js' | 'results.js', title: string): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  webview.options = { enableScripts: true, localResourceRoots: [dist] };
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce((n) => randomBytes(n)),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, script)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    title,
  });
}
