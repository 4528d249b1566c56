import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExpression } from '@flux-metrics/mixin';

/** Asserts exactly one problem, mentioning every fragment. */
function assertOneProblem(expr: string, ...fragments: string[]): void {
  const problems = checkExpression(expr);
  assert.equal(problems.length, 1, `${expr}\n${problems.join('\n')}`);
  for (const fragment of fragments) assert.match(problems[0]!, new RegExp(fragment), problems[0]);
}

test('correct expressions over catalog metrics, their series suffixes and external series pass', () => {
  for (const expr of [
    'histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket{job="media"}[5m]))) > 1',
    'sum by (job) (rate(http_request_duration_seconds_count[5m])) + sum(rate(http_request_duration_seconds_sum[5m]))',
    'sum without (type) (memory_usage_bytes{type="used"}) / on (instance, job) group_left memory_total_bytes > 0.9',
    'sum by (job, protocol) (increase(stream_stopped_total{reason="error"}[5m])) > 5',
    'delta(active_connections[5m]) > 100',
    'up{job="otel-collector"} == 0 or absent_over_time(target_info{job="media"}[5m])',
    'rate(otelcol_exporter_send_failed_metric_points_total{exporter="x"}[5m]) > 0',
    'topk(3, label_replace(srt_rtt_seconds, "stream", "$1", "stream_name", "(.*)")) by (stream)',
    '{__name__="cpu_usage_ratio", job="media"} > 0.8',
    'vector(1)',
  ]) {
    assert.deepEqual(checkExpression(expr), [], expr);
  }
});

test('parse errors are reported', () => {
  assertOneProblem('sum(rate(errors_total[5m])', 'parse error', 'unexpected end');
  assert.deepEqual(checkExpression('  '), ['empty expression']);
  assert.ok(checkExpression('rate(errors_total[5m]) >').length > 0);
});

test('a metric the catalog does not define is reported, with or without a series suffix', () => {
  assertOneProblem('rate(packets_lost[5m]) > 0', 'unknown metric "packets_lost"');
  // Suffixes follow the type: only histograms have _bucket/_count series.
  assertOneProblem('rate(errors_total_bucket[5m])', 'unknown metric "errors_total_bucket"');
  assertOneProblem('cpu_usage_ratio_count', 'unknown metric "cpu_usage_ratio_count"');
  assertOneProblem('process_resident_memory_bytes > 1e9', 'unknown metric');
});

test('external series and recording rules are accepted only when the caller allows them', () => {
  assert.deepEqual(checkExpression('up == 0'), []);
  assert.match(checkExpression('up == 0', { external: ['target_info'] })[0]!, /unknown metric "up"/);
  assert.match(checkExpression('job:errors:ratio_rate5m > 0.01')[0]!, /unknown metric/);
  const recorded = { 'job:errors:ratio_rate5m': ['job'] };
  assert.deepEqual(
    checkExpression('sum by (job) (job:errors:ratio_rate5m{job="a"}) > 0.01', { recorded }),
    [],
  );
  assert.match(
    checkExpression('job:errors:ratio_rate5m{stream_name="x"}', { recorded })[0]!,
    /label "stream_name" is not a label of "job:errors:ratio_rate5m"/,
  );
});

test('a label matcher the metric does not have is reported', () => {
  assertOneProblem('cpu_usage_ratio{type="user"} > 0.8', 'label "type" is not a label of "cpu_usage_ratio"');
  assertOneProblem('errors_total{le="1"}', 'label "le"');
  assert.deepEqual(checkExpression('http_request_duration_seconds_bucket{le="1.0"}'), []);
});

test('a by/without/on/ignoring label none of the selected metrics has is reported', () => {
  assertOneProblem(
    'sum by (job, stream_name) (rate(errors_total[5m]))',
    'label "stream_name" in by \\(job, stream_name\\)',
  );
  assertOneProblem('sum without (path) (memory_usage_bytes)', 'label "path"', 'memory_usage_bytes');
  assertOneProblem(
    'sum without (type) (memory_usage_bytes) / on (instance, volume) group_left memory_total_bytes',
    'label "volume" in on',
  );
  assertOneProblem('max(rate(errors_total[5m])) by (reason)', 'label "reason"');
});

test('rate(), irate() and increase() over a gauge are reported; delta() and counters are not', () => {
  // The design's ConnectionSpike: active_connections is an up-down counter, a gauge in Prometheus.
  assertOneProblem('rate(active_connections[5m]) > 100', 'rate\\(\\) over gauge "active_connections"');
  assertOneProblem('irate(cpu_usage_ratio[1m])', 'irate\\(\\) over gauge');
  assertOneProblem('increase(srt_rtt_seconds[10m])', 'increase\\(\\) over gauge');
  assert.deepEqual(
    checkExpression('deriv(disk_free_bytes[1h]) < 0 and rate(connections_opened_total[5m]) > 1'),
    [],
  );
});

test('every problem in one expression is listed', () => {
  const problems = checkExpression('rate(active_connections{path="/"}[5m]) / rate(nope_total[5m])');
  assert.equal(problems.length, 3, problems.join('\n'));
});
