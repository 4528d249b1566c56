#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { register } from '@flux-metrics/node';
import { startRtspServer } from './server.js';

/** Runs the example RTSP server with metrics on http://127.0.0.1:9464/metrics (OTEL_* variables apply). */
const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8554' },
    interleaved: { type: 'boolean', default: false },
  },
});

const registration = register({ serviceName: 'flux-rtsp-server' });
const server = await startRtspServer({
  host: values.host,
  port: Number(values.port),
  interleaved: values.interleaved,
});
console.log(`RTSP on ${server.url('<name>')}; publish with ffmpeg -f rtsp ${server.url('cam1')}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => registration.shutdown());
  });
}
