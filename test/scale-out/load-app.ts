/**
 * A lightweight media-server stand-in for the scale-out topology: no media, but the real helpers (register()
 * pushing OTLP, the SRT helper's per-stream statistics, the storage helper's write counters) fed with
 * synthetic readings once a second. `FLUX_SCALE_STREAMS` SRT streams per process set its series count;
 * OTEL_* variables (endpoint, interval, service.instance.id) come from the parent. With
 * `FLUX_SCALE_TIMED_PUSH_MS` the app pushes by itself at that period (forceFlush) and prints each push's
 * duration as `push_ms <n>`, for the bench's push latency (give it a long OTEL_METRIC_EXPORT_INTERVAL).
 */
import { register } from '@flux-metrics/node';
import { createSrtMetrics } from '@flux-metrics/srt';
import { storageMetrics } from '@flux-metrics/storage';

const streams = Number(process.env.FLUX_SCALE_STREAMS ?? '20');
if (!Number.isInteger(streams) || streams < 1)
  throw new Error(`FLUX_SCALE_STREAMS must be ≥ 1, got ${streams}`);

// SIGTERM: register() flushes the last push, then the process ends as it would without it.
const registration = register({ serviceName: 'media-server', exporters: ['otlp'] });
const srt = createSrtMetrics({ meterProvider: registration.meterProvider });
const storage = storageMetrics({ volume: 'recordings', meterProvider: registration.meterProvider });

const connections = Array.from({ length: streams }, (_, i) =>
  srt.open({ streamName: `cam-${i}`, direction: 'receive', handshakeSeconds: 0.05 }),
);
const PACKETS_PER_SECOND = 500; // ~5 Mbit/s of 1316-byte payloads per stream
let seconds = 0;
setInterval(() => {
  seconds++;
  const received = seconds * PACKETS_PER_SECOND;
  for (const [i, connection] of connections.entries()) {
    connection.update({
      pktRecvTotal: received,
      byteRecvTotal: received * 1316,
      pktRcvLossTotal: Math.floor(received / 1000) + (i % 3),
      pktRcvDropTotal: Math.floor(received / 5000),
      msRTT: 20 + (i % 10),
      mbpsBandwidth: 100,
      mbpsRecvRate: 5.3,
      byteAvailRcvBuf: 1_000_000,
      msRcvBuf: 120,
      msRcvTsbPdDelay: 120,
    });
    if (seconds === 1) connection.mediaStarted();
  }
  for (let w = 0; w < 10; w++) storage.writes.done(1316 * 7, storage.writes.start());
}, 1000);

const timedPush = Number(process.env.FLUX_SCALE_TIMED_PUSH_MS ?? '0');
if (timedPush > 0) {
  setInterval(() => {
    const start = performance.now();
    registration.forceFlush().then(
      () => console.log(`push_ms ${(performance.now() - start).toFixed(1)}`),
      (err: unknown) => console.log(`push_failed ${String(err)}`),
    );
  }, timedPush);
}
