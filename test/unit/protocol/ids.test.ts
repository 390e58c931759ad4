import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COMMANDS, CONFIG_SECTION, CELL_LANGUAGE_ID, DEFAULT_LANGUAGES } from '../../../server/src/protocol/ids';
import { DEFAULT_SETTINGS, toSettings } from '../../../server/src/protocol/settings';

const pkg = JSON.parse(readFileSync(resolve(process.cwd(), 'package.json'), 'utf8'));
const props: Record<string, any> = pkg.contributes.configuration.properties;

test('every command id is contributed with the Entropy Lens category, and vice versa', () => {
  const contributed = pkg.contributes.commands.map((c: any) => c.command).sort();
  assert.deepEqual(contributed, Object.values(COMMANDS).sort());
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'Entropy Lens');
});

test('settings defaults in package.json mirror DEFAULT_SETTINGS', () => {
  assert.equal(props[`${CONFIG_SECTION}.enable`].default, DEFAULT_SETTINGS.enable);
  assert.deepEqual(props[`${CONFIG_SECTION}.languages`].default, DEFAULT_SETTINGS.languages);
  assert.deepEqual([...DEFAULT_LANGUAGES], DEFAULT_SETTINGS.languages);
  assert.equal(props[`${CONFIG_SECTION}.codeLens.enable`].default, DEFAULT_SETTINGS.codeLens.enable);
  assert.equal(props[`${CONFIG_SECTION}.diagnostics.topologySeverity`].default, DEFAULT_SETTINGS.diagnostics.topologySeverity);
  assert.equal(props[`${CONFIG_SECTION}.analysisDelayMs`].default, DEFAULT_SETTINGS.analysisDelayMs);
  assert.ok(props[`${CONFIG_SECTION}.trace.server`], 'trace.server is declared');
});

test('every setting has a description and a scope', () => {
  for (const [key, p] of Object.entries(props)) {
    assert.ok(p.description || p.markdownDescription, `${key} has a description`);
    assert.ok(p.scope, `${key} has a scope`);
    if (p.enum) assert.equal(p.enumDescriptions?.length, p.enum.length, `${key} describes each enum value`);
  }
});

test('the dedicated cell language and activation events are declared', () => {
  assert.ok(pkg.contributes.languages.some((l: any) => l.id === CELL_LANGUAGE_ID));
  for (const lang of [...DEFAULT_LANGUAGES, CELL_LANGUAGE_ID]) {
    assert.ok(pkg.activationEvents.includes(`onLanguage:${lang}`), `activates on ${lang}`);
  }
  assert.ok(!pkg.activationEvents.includes('*'));
});

test('toSettings keeps valid values and replaces wrong types with defaults', () => {
  const s = toSettings({ enable: false, languages: ['python'], codeLens: { enable: 'yes' }, diagnostics: { topologySeverity: 'hint' }, analysisDelayMs: -5 });
  assert.equal(s.enable, false);
  assert.deepEqual(s.languages, ['python']);
  assert.equal(s.codeLens.enable, true);
  assert.equal(s.diagnostics.topologySeverity, 'hint');
  assert.equal(s.analysisDelayMs, DEFAULT_SETTINGS.analysisDelayMs);
  assert.deepEqual(toSettings(null), DEFAULT_SETTINGS);
  assert.deepEqual(toSettings({ languages: [1, 2] }).languages, DEFAULT_SETTINGS.languages);
});
