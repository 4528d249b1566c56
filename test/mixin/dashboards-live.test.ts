import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../support/processes.ts';
import { loadDashboards, panelsOf, queriesOf, type PanelQuery } from './dashboard-queries.ts';
import { startDemoStack } from './demo-stack.ts';
import { CANNOT_FEED, liveExpr, panelData } from './panel-data.ts';

const key = (uid: string, q: PanelQuery) => `${uid} / ${q.panel} / ${q.refId}`;

test('every panel query returns data from the demo through a real Prometheus 3 with the generated rules', async (t) => {
  const dashboards = loadDashboards();
  const queries = dashboards.flatMap((d) => queriesOf(d).map((q) => ({ uid: d.uid, q })));
  const stack = await startDemoStack(400);
  const fed = new Set<string>();
  try {
    const started = Date.now();
    const missing = () =>
      queries.filter(({ uid, q }) => !fed.has(key(uid, q)) && !(key(uid, q) in CANNOT_FEED));
    await waitFor(
      'data for every panel query',
      async () => {
        for (const { uid, q } of missing()) {
          if ((await panelData(stack.prometheus, q, { rangeSeconds: 120 })).length > 0) fed.add(key(uid, q));
        }
        return missing().length === 0 ? true : undefined;
      },
      300_000,
    ).catch((err: Error) => {
      const list = missing().map(({ uid, q }) => `  ${key(uid, q)}: ${liveExpr(q)}`);
      throw new Error(
        `${err.message}\nno data:\n${list.join('\n')}\ndemo:\n${stack.demo.output().slice(-3000)}`,
      );
    });
    t.diagnostic(`every panel query had data after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    for (const d of dashboards) {
      const own = queriesOf(d);
      const withData = own.filter((q) => fed.has(key(d.uid, q))).length;
      const panels = panelsOf(d);
      const fedPanels = panels.filter((p) =>
        own.some((q) => q.panel === p.title && fed.has(key(d.uid, q))),
      ).length;
      t.diagnostic(
        `${d.title}: ${panels.length} panels (${fedPanels} with data), ${withData}/${own.length} queries returned data`,
      );
    }
    for (const [name, why] of Object.entries(CANNOT_FEED)) {
      const entry = queries.find(({ uid, q }) => key(uid, q) === name);
      assert.ok(entry, `${name} is not a panel query any more`);
      const now =
        (await panelData(stack.prometheus, entry.q, { rangeSeconds: 300 })).length > 0
          ? ' (had data this run)'
          : '';
      t.diagnostic(`not fed by the demo: ${name}: ${why}${now}`);
    }
  } finally {
    await stack.stop();
  }
});
