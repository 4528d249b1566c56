import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CATALOG,
  fluxInstruments,
  GuardedInstrument,
  httpMetricsListener,
  ObservedFamily,
  MAX_LABEL_LENGTH,
} from '@flux-metrics/core';
import { createRtspMetrics } from '@flux-metrics/rtsp';
import { storageMetrics } from '@flux-metrics/storage';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import { createHarness } from '../support/harness.ts';
import { parseExposition } from '../support/exposition.ts';

/** Values a careless or hostile caller passes where a number belongs. */
const BAD_VALUES: unknown[] = [NaN, -1, undefined, null, 'str', '12', Infinity, -Infinity, {}, [], 10n];
/** Huge but valid. */
const HUGE = [1e308, Number.MAX_SAFE_INTEGER + 2];

/** Label values that must neither throw nor corrupt the exposition text. */
const HOSTILE: unknown[] = [
  'a'.repeat(100_000),
  'line\nbreak "quoted" back\\slash',
  '\u0000\u0007\u001b[31m',
  '🎥'.repeat(500),
  '__proto__',
  undefined,
  null,
  42,
  {},
  { toString: () => 'looks-fine' },
  {
    toString() {
      throw new Error('toString throws');
    },
  },
  Symbol('sym'),
];

/** What the guards count for one value (the oracle the test holds the library to). */
function expectedInvalid(value: unknown, monotonic: boolean): boolean {
  if (typeof value !== 'number') return true;
  return !Number.isFinite(value) || (monotonic && value < 0);
}

/** Sum of a self-metric's samples, optionally of one `metric` label (read by line: hostile labels elsewhere). */
function selfCount(text: string, name: string, metric?: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (metric !== undefined && !line.includes(`metric="${metric}"`)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

function hostileLabels(names: string[], value: unknown): Record<string, unknown> {
  return Object.fromEntries(names.map((n) => [n, value]));
}

test('bad values into every catalog instrument: never thrown, always counted', async (t) => {
  const harness = createHarness();
  t.after(() => harness.shutdown());
  const instruments = fluxInstruments(harness.provider);
  const expected = new Map<string, number>();
  let calls = 0;
  // The self-metrics are left out: recording into them by hand would fill their own `metric` label bound.
  for (const def of CATALOG.filter((d) => !d.name.startsWith('flux_metrics_'))) {
    const instrument = instruments.get(def.name);
    const names = Object.keys(def.labels);
    const monotonic = def.kind === 'counter' || def.kind === 'observableCounter' || def.kind === 'histogram';
    for (const value of [...BAD_VALUES, ...HUGE]) {
      for (const hostile of HOSTILE) {
        const labels = hostileLabels(names, hostile) as never;
        calls++;
        if (instrument instanceof GuardedInstrument) {
          assert.doesNotThrow(() => instrument.record(value as number, labels), `${def.name}.record`);
          assert.doesNotThrow(() => instrument.bind(labels).record(value as number), `${def.name}.bind`);
          if (expectedInvalid(value, monotonic)) expected.set(def.name, (expected.get(def.name) ?? 0) + 2);
        } else if (instrument instanceof ObservedFamily) {
          assert.doesNotThrow(() => instrument.add(labels, value as number), `${def.name}.add`);
          assert.doesNotThrow(() => instrument.release(instrument.cell(labels)), `${def.name}.cell`);
          // add() is a call like record(): a value it cannot add is counted then, not left in the cell.
          if (expectedInvalid(value, monotonic)) expected.set(def.name, (expected.get(def.name) ?? 0) + 1);
        }
      }
    }
    // Labels that are not an object at all, and an object whose getter throws.
    const throwing = Object.defineProperty({}, names[0] ?? 'x', {
      get() {
        throw new Error('getter throws');
      },
      enumerable: true,
    });
    for (const labels of [null, undefined, 'labels', 7, throwing]) {
      if (instrument instanceof GuardedInstrument) {
        assert.doesNotThrow(
          () => instrument.record(1, labels as never),
          `${def.name} labels ${String(labels)}`,
        );
      } else if (instrument instanceof ObservedFamily) {
        assert.doesNotThrow(() => instrument.add(labels as never, 1), `${def.name} labels ${String(labels)}`);
      }
    }
  }
  let text = '';
  // Observed values are checked while collecting, so their counts show from the second scrape on.
  await assert.doesNotReject(async () => (text = await harness.scrape()), 'the scrape survives it all');
  text = await harness.scrape();
  const e = parseExposition(text);
  const invalid = 'flux_metrics_invalid_measurements_total';
  const missing = [...expected].filter(([name, n]) => selfCount(text, invalid, name) < n);
  t.diagnostic(
    `${calls.toLocaleString('en')} calls with bad values or hostile labels on ${CATALOG.length} metrics; invalid measurements counted: ${e.samples
      .filter((s) => s.name === 'flux_metrics_invalid_measurements_total')
      .reduce((a, s) => a + s.value, 0)
      .toLocaleString('en')}; label overflows counted: ${e.samples
      .filter((s) => s.name === 'flux_metrics_label_overflow_total')
      .reduce((a, s) => a + s.value, 0)
      .toLocaleString('en')}; scrape ${text.length.toLocaleString('en')} bytes`,
  );
  assert.deepEqual(
    missing.map(([name, n]) => `${name}: ${selfCount(text, invalid, name)} < ${n}`),
    [],
    'every invalid value counted in flux_metrics_invalid_measurements_total',
  );
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    assert.match(
      line,
      /^[a-zA-Z_:][\w:]*(\{.*\})? \S+$/,
      `a sample line broken by a label value: ${line.slice(0, 200)}`,
    );
  }
  for (const s of e.samples) {
    for (const v of Object.values(s.labels))
      assert.ok(v.length <= MAX_LABEL_LENGTH * 2, `label of ${v.length} chars`);
  }
});

test('a valid value after bad ones still counts (no series poisoned)', async (t) => {
  const harness = createHarness();
  t.after(() => harness.shutdown());
  const instruments = fluxInstruments(harness.provider);
  const errors = instruments.get('errors_total');
  const bytes = instruments.get('bytes_sent_total');
  const labels = { protocol: 'rtsp', stream_name: 'cam' } as const;
  for (const value of BAD_VALUES) {
    errors.record(value as number, { type: 'timeout', component: 'app' });
    bytes.add(labels, value as number);
  }
  errors.record(5, { type: 'timeout', component: 'app' });
  bytes.add(labels, 5);
  const e = parseExposition(await harness.scrape());
  const value = (name: string) =>
    e.samples.find((s) => s.name === name && s.labels.component !== 'metrics')?.value;
  assert.equal(value('errors_total'), 5);
  assert.equal(value('bytes_sent_total'), 5, 'an ObservedFamily.add of a bad value must not poison the cell');
});

test('bad values into the RTSP, storage and HTTP helpers: never thrown', async (t) => {
  const harness = createHarness();
  t.after(() => harness.shutdown());
  const rtsp = createRtspMetrics({ meterProvider: harness.provider });
  const connection = rtsp.connectionOpened();
  for (const value of [...BAD_VALUES, ...HUGE]) {
    const v = value as number;
    assert.doesNotThrow(
      () => {
        connection.requestCompleted(String(value), v, v);
        connection.request(value as string).respond(v);
        const session = connection.session({ streamName: value as string, mode: value as 'play' });
        session.start(value as 'play');
        session.rtpSent(v);
        session.rtpReceived(v);
        session.rtcpSent(v);
        session.rtcpReceived(Buffer.from([0x80, 200, 0, 6, 1, 2, 3, 4]), v);
        session.receiverReport(
          {
            ssrc: v,
            fractionLost: v,
            cumulativeLost: v,
            highestSequence: v,
            jitter: v,
            lastSenderReport: v,
            delaySinceLastSenderReport: v,
          },
          v,
        );
        session.end(value as 'teardown');
      },
      `RTSP hooks with ${String(value)}`,
    );
  }
  connection.close(NaN as never);
  const storage = storageMetrics({ volume: '\n"hostile"', meterProvider: harness.provider });
  for (const value of BAD_VALUES) {
    assert.doesNotThrow(
      () => {
        storage.writes.done(value as number, storage.writes.start());
        storage.reads.done(value as number, storage.reads.start());
        storage.failed(value);
      },
      `storage with ${String(value)}`,
    );
  }
  storage.close();
  const listener = httpMetricsListener({ meterProvider: harness.provider });
  for (const hostile of HOSTILE.slice(0, 5)) {
    const res = Object.assign(new EventEmitter(), { statusCode: hostile, writableFinished: true });
    const req = { method: hostile, url: hostile, headers: {} };
    assert.doesNotThrow(() => {
      listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
      res.emit('finish');
    });
  }
  await assert.doesNotReject(() => harness.scrape());
});
