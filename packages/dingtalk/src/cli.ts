#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { register } from '@flux-metrics/node';
import { DingTalkBridge } from './bridge.js';
import { ConfigError, loadConfig, secretsOf } from './config.js';
import { redactingLogger } from './log.js';

const usage = `Usage: flux-dingtalk --config bridge.yml [--listen host:port]
Receives Alertmanager webhooks at POST /dingtalk/<target>/send and posts them to DingTalk robots.
  --config  targets (robot URL and signing secret from files or environment variables), limits, retries
  --listen  address to bind (default from the config, else 127.0.0.1:8060)
See docs/alerting.md.`;

function parseListen(value: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(value);
  if (!match) throw new ConfigError(`--listen ${value}: expected host:port`);
  return { host: match[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(match[2]) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      listen: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (!values.config) throw new ConfigError('--config is required');
  const config = loadConfig(values.config);
  const log = redactingLogger(secretsOf(config));
  // The last line of defence of "never crash": a bug in one request must not drop every queued alert.
  process.on('uncaughtException', (err) => log.error(`uncaught: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${String(err)}`));

  const metrics = register({
    serviceName: 'flux-dingtalk',
    prometheus: { listen: false },
    flushOnExit: false,
  });
  const bridge = new DingTalkBridge({ config, log, metrics });
  const listen = values.listen ? parseListen(values.listen) : config.listen;
  const address = await bridge.listen(listen.host, listen.port);
  log.info(
    `flux-dingtalk listening on ${address.address}:${address.port}, targets: ${[...config.targets.keys()].join(', ')}`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping; undelivered messages go to the dead-letter file`);
    void bridge
      .close()
      .then(() => metrics.shutdown())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
  process.stderr.write(`flux-dingtalk: ${message}\n${err instanceof ConfigError ? usage + '\n' : ''}`);
  process.exit(2);
});
