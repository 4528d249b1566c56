import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  checkExpression,
  generate,
  RECORDED_LABELS,
  resolveConfig,
  type RuleGroup,
} from '@flux-metrics/mixin';

const repo = fileURLToPath(new URL('../../', import.meta.url));

function rules(profile: 'production' | 'fast') {
  return generate(resolveConfig({ alerts: { profile } }))
    .filter((f) => f.path.startsWith('prometheus/rules/'))
    .flatMap((f) => (parse(f.content) as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules));
}

test('every generated expression names only catalog metrics and labels, and never rate()s a gauge', () => {
  for (const profile of ['production', 'fast'] as const) {
    for (const rule of rules(profile)) {
      const name = 'alert' in rule ? rule.alert : rule.record;
      assert.deepEqual(checkExpression(rule.expr, { recorded: RECORDED_LABELS }), [], `${profile} ${name}`);
    }
  }
});

test('alerts follow the conventions: CamelCase, severity, static summary, templated description, runbook that exists', () => {
  for (const rule of rules('production')) {
    if (!('alert' in rule)) continue;
    const { alert, labels, annotations } = rule;
    assert.match(alert, /^[A-Z][A-Za-z0-9]+$/);
    assert.match(labels?.severity ?? '', /^(critical|warning|info)$/, alert);
    assert.match(annotations?.summary ?? '', /^[A-Z][^{}]*\.$/, `${alert} summary`);
    assert.ok((annotations?.description ?? '').length > 20, `${alert} description`);
    assert.equal(
      annotations?.runbook_url?.endsWith(`/docs/runbooks/${alert}.md`),
      true,
      `${alert} runbook_url`,
    );
    assert.ok(existsSync(`${repo}docs/runbooks/${alert}.md`), `docs/runbooks/${alert}.md exists`);
  }
});

test('the fast profile only shortens for and the rate interval', () => {
  const production = rules('production');
  const fast = rules('fast');
  assert.equal(fast.length, production.length);
  for (const [i, rule] of fast.entries()) {
    if (!('alert' in rule)) continue;
    assert.ok(rule.for === undefined || rule.for === '10s', `${rule.alert} for ${rule.for}`);
    assert.equal(rule.alert, (production[i] as typeof rule).alert);
  }
});
