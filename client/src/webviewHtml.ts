// Pure: builds the EDU panel's HTML. Strict CSP, one nonce for every script, no remote origin,
// and no user text: the webview receives all content later as messages.

export interface WebviewHtmlInput {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function webviewHtml(i: WebviewHtmlInput): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${i.nonce}'`,
    `style-src ${i.cspSource}`,
    `img-src ${i.cspSource} data:`,
    `font-src ${i.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(i.styleUri)}">
<title>${escapeText(i.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${i.nonce}" src="${escapeAttr(i.scriptUri)}"></script>
</body>
</html>`;
}

/** 32 random alphanumerics from the injected source of random bytes. */
export function makeNonce(randomBytes: (n: number) => Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(32), (b) => alphabet[b % alphabet.length]).join('');
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
