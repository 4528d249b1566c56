import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, LATENCY_OBJECTIVES, findMetric, prometheusType } from '@flux-metrics/core';

/** Every metric the design defines, with its table's labels and, for histograms, its buckets. */
const DESIGN = {
  counters: {
    http_requests_total: ['method', 'path', 'status'],
    stream_started_total: ['protocol', 'stream_name'],
    stream_stopped_total: ['protocol', 'stream_name', 'reason'],
    errors_total: ['type', 'component'],
    packets_sent_total: ['protocol', 'stream_name'],
    packets_received_total: ['protocol', 'stream_name'],
    bytes_sent_total: ['protocol', 'stream_name'],
    bytes_received_total: ['protocol', 'stream_name'],
  },
  gauges: {
    active_connections: ['protocol'],
    active_streams: ['protocol'],
    memory_usage_bytes: ['type'],
    cpu_usage_ratio: [],
    disk_usage_ratio: ['path'],
    buffer_size: ['type', 'stream_name'],
  },
  histograms: {
    http_request_duration_seconds: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    stream_processing_duration_seconds: [0.001, 0.01, 0.1, 1, 10],
    packet_latency_seconds: [0.0001, 0.001, 0.01, 0.1, 1],
  },
  summaries: ['rtt_seconds', 'bandwidth_mbps'],
  referencedOnly: ['packets_lost_total', 'memory_total_bytes'],
} as const;

test('every counter and gauge of the design is in the catalog with its labels and Prometheus type', () => {
  for (const [type, table] of [
    ['counter', DESIGN.counters],
    ['gauge', DESIGN.gauges],
  ] as const) {
    for (const [name, labels] of Object.entries(table)) {
      const def = findMetric(name);
      assert.ok(def, `${name} missing`);
      assert.equal(prometheusType(def.kind), type, name);
      assert.deepEqual(Object.keys(def.labels), labels, name);
    }
  }
});

test('every design histogram keeps all of its design buckets', () => {
  for (const [name, buckets] of Object.entries(DESIGN.histograms)) {
    const def = findMetric(name);
    assert.equal(def?.kind, 'histogram', name);
    for (const b of buckets) assert.ok(def.buckets?.includes(b), `${name} lacks ${b}`);
  }
});

test('the design summaries are histograms and the referenced-only metrics exist', () => {
  for (const name of DESIGN.summaries) assert.equal(findMetric(name)?.kind, 'histogram', name);
  for (const name of DESIGN.referencedOnly) assert.ok(findMetric(name), name);
});

test('metrics the dashboards and SLOs need exist', () => {
  for (const name of [
    'connections_opened_total',
    'connection_setup_duration_seconds',
    'stream_start_duration_seconds',
    'rtsp_session_duration_seconds',
    'rtsp_requests_total',
    'srt_handshake_duration_seconds',
    'srt_packets_retransmitted_total',
    'srt_congestion_window_packets',
    'storage_written_bytes_total',
    'storage_read_bytes_total',
    'storage_io_duration_seconds',
    'snapshots_total',
  ]) {
    assert.ok(findMetric(name), name);
  }
});

test('every SLO threshold is exactly a bucket boundary of its histogram', () => {
  for (const o of LATENCY_OBJECTIVES) {
    const def = findMetric(o.metric);
    assert.equal(def?.kind, 'histogram', o.id);
    assert.ok(def.buckets?.includes(o.thresholdSeconds), `${o.metric} lacks ${o.thresholdSeconds}`);
  }
});

test('names and units are identical on the direct and the Collector path', () => {
  for (const def of CATALOG) {
    assert.match(def.name, /^[a-z][a-z0-9_]*$/, def.name);
    assert.match(def.unit, /^(s|By|1|\{[^/}]+\})$/, `${def.name} unit ${def.unit}`);
    const tokens = def.name.split('_');
    if (def.unit === 's') assert.ok(tokens.includes('seconds'), `${def.name}: unit s needs the word seconds`);
    if (def.unit === 'By') assert.ok(tokens.includes('bytes'), `${def.name}: unit By needs the word bytes`);
    if (def.unit === '1') assert.equal(tokens.at(-1), 'ratio', `${def.name}: unit 1 ends in _ratio`);
    const counter = prometheusType(def.kind) === 'counter';
    assert.equal(def.name.endsWith('_total'), counter, `${def.name}: _total iff counter`);
    for (const label of Object.keys(def.labels)) assert.match(label, /^[a-z][a-z0-9_]*$/);
  }
});

test('histogram buckets are sorted, unique and positive', () => {
  for (const def of CATALOG.filter((d) => d.kind === 'histogram')) {
    const b = def.buckets ?? [];
    assert.ok(b.length > 0, def.name);
    for (let i = 1; i < b.length; i++) assert.ok(b[i]! > b[i - 1]!, `${def.name} buckets unsorted`);
    assert.ok(b[0]! > 0, def.name);
  }
});
