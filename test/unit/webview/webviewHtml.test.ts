import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { makeNonce, webviewHtml } from '../../../client/src/webviewHtml';

const nonce = makeNonce((n) => randomBytes(n));
const html = webviewHtml({
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce,
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
  title: 'EDU <segmentation>',
});

test('the CSP denies by default and allows scripts only by nonce', () => {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'has a CSP meta tag');
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), [`'nonce-${nonce}'`]);
  for (const [k, v] of directives) {
    assert.ok(!v.includes("'unsafe-inline'") && !v.includes("'unsafe-eval'"), `${k} has no unsafe source`);
    assert.ok(!v.includes('*') && !v.includes('https:') && !v.includes('http:'), `${k} allows no wildcard origin`);
  }
});

test('every script carries the nonce and there are no inline handlers', () => {
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.ok(scripts.length >= 1);
  for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`), s);
  assert.doesNotMatch(html, /\son[a-z]+=/i);
});

test('no remote origin: every URL is the webview resource origin', () => {
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(urls.length >= 2);
  for (const u of urls) assert.ok(u.startsWith('https://file+.vscode-resource.vscode-cdn.net/'), u);
  assert.doesNotMatch(html, /https?:\/\/(?!file\+\.vscode-resource)/);
});

test('the title is escaped and nonces are long and differ', () => {
  assert.match(html, /<title>EDU &lt;segmentation&gt;<\/title>/);
  assert.equal(nonce.length, 32);
  assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(makeNonce((n) => randomBytes(n)), nonce);
});
