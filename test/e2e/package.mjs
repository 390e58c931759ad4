// `npm run package`: the platform-specific VSIX (this machine's node-llama-cpp CPU binaries only).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { packageVsix } from './lib.mjs';

const root = process.cwd();
const out = join(root, 'dist-vsix');
mkdirSync(out, { recursive: true });
// vsce works on a staged copy of the checkout, which must live outside it.
const stage = mkdtempSync(join(tmpdir(), 'entropy-lens-vsix-'));
const r = await packageVsix(root, stage);
const vsix = join(out, basename(r.vsix));
copyFileSync(r.vsix, vsix);
rmSync(stage, { recursive: true, force: true });
console.log(`${vsix}: ${(r.sizeBytes / 2 ** 20).toFixed(1)} MB (${(r.unpackedBytes / 2 ** 20).toFixed(1)} MB unpacked, ${r.files.length} files, target ${r.target})`);
