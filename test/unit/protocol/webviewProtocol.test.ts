import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostToWebview, isSegmentParams, isWebviewToHost } from '../../../server/src/protocol/webview';

const params = { mode: 'threshold', threshold: 1, percentile: 10, minGap: 3 };

test('valid webview messages pass the host guard', () => {
  for (const m of [
    { type: 'ready', version: 1 },
    { type: 'setParams', params },
    { type: 'selectStep', index: 0 },
    { type: 'runCommand', command: 'chooseModel' },
    { type: 'rendered', tokens: 20000, firstPaintMs: 12.5, totalMs: 90 },
  ]) assert.ok(isWebviewToHost(m), JSON.stringify(m));
});

test('malformed or unknown webview messages are rejected', () => {
  for (const m of [
    null, 'ready', [], { type: 'nope' }, { type: 'ready' },
    { type: 'setParams', params: { ...params, mode: 'other' } },
    { type: 'setParams', params: { ...params, minGap: 0 } },
    { type: 'setParams', params: { ...params, minGap: 1.5 } },
    { type: 'setParams', params: { ...params, percentile: 0 } },
    { type: 'setParams', params: { ...params, threshold: NaN } },
    { type: 'selectStep', index: -1 },
    { type: 'selectStep', index: '2' },
    { type: 'runCommand', command: 'rm -rf' },
    { type: 'rendered', tokens: 1.5, firstPaintMs: 1, totalMs: 1 },
  ]) assert.equal(isWebviewToHost(m), false, JSON.stringify(m));
});

test('segment params guard and host message guard', () => {
  assert.ok(isSegmentParams({ mode: 'percentile', threshold: 0, percentile: 100, minGap: 1 }));
  assert.ok(!isSegmentParams({ mode: 'percentile', threshold: 0, percentile: 101, minGap: 1 }));
  assert.ok(isHostToWebview({ type: 'status', status: { kind: 'idle' } }));
  assert.ok(!isHostToWebview({ type: 'ready', version: 1 }));
});
