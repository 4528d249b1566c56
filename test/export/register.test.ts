import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseExporters, readEnvConfig } from '@flux-metrics/node';
import { freePort, waitFor } from '../support/processes.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('OTEL_* configuration', () => {
  it('reads OTEL_METRICS_EXPORTER as prometheus (default) | otlp | both | none', () => {
    assert.deepEqual(parseExporters(undefined), ['prometheus']);
    assert.deepEqual(parseExporters(''), ['prometheus']);
    assert.deepEqual(parseExporters('otlp'), ['otlp']);
    assert.deepEqual(parseExporters('both'), ['prometheus', 'otlp']);
    assert.deepEqual(parseExporters('prometheus, OTLP'), ['prometheus', 'otlp']);
    assert.deepEqual(parseExporters('none'), []);
    assert.deepEqual(parseExporters('console'), [], 'unsupported values are ignored, not defaulted');
  });

  it('reads protocol, interval, timeout (clamped) and the Prometheus address', () => {
    const config = readEnvConfig({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
      OTEL_METRIC_EXPORT_TIMEOUT: '30000',
      OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0',
      OTEL_EXPORTER_PROMETHEUS_PORT: '9999',
    });
    assert.equal(config.otlpProtocol, 'grpc');
    assert.equal(config.exportIntervalMillis, 5000);
    assert.equal(config.exportTimeoutMillis, 5000);
    assert.equal(config.prometheusHost, '0.0.0.0');
    assert.equal(config.prometheusPort, 9999);
    const metricsSpecific = readEnvConfig({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
    });
    assert.equal(metricsSpecific.otlpProtocol, 'http/json');
    const defaults = readEnvConfig({ OTEL_METRIC_EXPORT_INTERVAL: 'soon' });
    assert.equal(defaults.exportIntervalMillis, 60_000);
    assert.equal(defaults.otlpProtocol, 'http/protobuf');
    assert.equal(defaults.prometheusHost, '127.0.0.1');
    assert.equal(readEnvConfig({ OTEL_SDK_DISABLED: 'true' }).disabled, true);
  });
});

/** A stand-in OTLP/HTTP receiver that records the paths it was sent. */
describe('node --import @flux-metrics/node/register', () => {
  let server: Server;
  let port = 0;
  const received: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      received.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Starts the fixture app; `end()` closes its stdin (the `serve` mode runs until then). */
  function startApp(mode: string, env: Record<string, string> = {}) {
    const child = spawn(
      process.execPath,
      ['--import', '@flux-metrics/node/register', 'test/export/fixtures/exit-app.ts'],
      {
        cwd: repo,
        env: {
          PATH: process.env.PATH,
          EXIT_MODE: mode,
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          // Far longer than the app lives: whatever arrives was pushed by the exit flush.
          OTEL_METRIC_EXPORT_INTERVAL: '600000',
          ...env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c));
    child.stderr.on('data', (c: Buffer) => (output += c));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const started = Date.now();
    const exited = new Promise<{ code: number | null; signal: string | null; output: string; ms: number }>(
      (resolve) => {
        child.on('exit', (code, signal) => {
          clearTimeout(killer);
          resolve({ code, signal, output, ms: Date.now() - started });
        });
      },
    );
    return { output: () => output, end: () => child.stdin.end(), exited };
  }

  const runApp = (mode: string, env: Record<string, string> = {}) => startApp(mode, env).exited;

  it('flushes on SIGTERM and then ends the way SIGTERM would without it', async () => {
    received.length = 0;
    const result = await runApp('signal');
    assert.equal(result.signal, 'SIGTERM', result.output);
    assert.deepEqual(received, ['/v1/metrics'], 'one metrics push, no traces or logs');
  });

  it('flushes on SIGTERM but leaves exiting to the app that handles SIGTERM itself', async () => {
    received.length = 0;
    const result = await runApp('own-handler');
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /app handled SIGTERM/);
    assert.deepEqual(received, ['/v1/metrics']);
  });

  it('flushes on beforeExit when the app simply ends', async () => {
    received.length = 0;
    const result = await runApp('natural');
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(received, ['/v1/metrics']);
  });

  it('an unreachable collector neither crashes the app nor holds up its exit for long', async () => {
    const closed = await freePort();
    const result = await runApp('run-then-exit', {
      RUN_MS: '2000',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`,
      OTEL_METRIC_EXPORT_INTERVAL: '100',
    });
    assert.equal(result.code, 0, result.output);
    // 2 s of work plus at most the 5 s shutdown deadline (and process start-up).
    assert.ok(result.ms < 12_000, `exited after ${result.ms} ms`);
  });

  /** Whether the app's embedded /metrics answers once the app says its endpoint is up (or that it has none). */
  async function servesMetrics(exporter: string | undefined): Promise<boolean> {
    const metricsPort = await freePort();
    const app = startApp('serve', {
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      // Empty is unset: the default applies.
      OTEL_METRICS_EXPORTER: exporter ?? '',
    });
    // A loaded machine can take many seconds to start node with the SDK: wait for the app, not a clock.
    const said = await waitFor(
      'the app to report its metrics endpoint',
      async () => /metrics endpoint: (\S+)/.exec(app.output())?.[1],
      45_000,
    ).catch((err: Error) => {
      app.end();
      throw new Error(`${err.message}; app output: ${app.output()}`);
    });
    const served = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
      (res) => res.ok,
      () => false,
    );
    app.end();
    const result = await app.exited;
    assert.equal(result.code, 0, result.output);
    assert.equal(said, served ? String(metricsPort) : 'none', result.output);
    return served;
  }

  it('serves the embedded /metrics by default and nothing with OTEL_METRICS_EXPORTER=none', async () => {
    received.length = 0;
    assert.equal(await servesMetrics(undefined), true, 'prometheus is the default exporter');
    assert.equal(await servesMetrics('none'), false);
    assert.deepEqual(received, [], 'no OTLP push from either');
  });
});
