import type { MeterProvider } from '@opentelemetry/api';
import type { FluxRegistry } from '@flux-metrics/core';
import { RtspConnectionObserver } from './connection.js';
import { RtspInstruments } from './instruments.js';
import { ProcessingSampler } from './processing-sampler.js';

export interface RtspMetricsOptions {
  /** The registry to record into (default: the default registry; `meterProvider` selects one by provider). */
  readonly registry?: FluxRegistry;
  readonly meterProvider?: MeterProvider;
  /** Time one received packet in this many for stream_processing_duration_seconds (default 32). */
  readonly processingSampleEvery?: number;
}

/** The explicit hook API: one per server; every accepted connection gets a `connectionOpened()` observer. */
export class RtspMetrics {
  readonly #instruments: RtspInstruments;
  readonly #sampler: ProcessingSampler;

  constructor(options: RtspMetricsOptions = {}) {
    this.#instruments = new RtspInstruments(options.registry ?? options.meterProvider);
    const every = Math.max(1, Math.floor(options.processingSampleEvery ?? 32));
    this.#sampler = new ProcessingSampler(this.#instruments.processing, every);
  }

  connectionOpened(): RtspConnectionObserver {
    return new RtspConnectionObserver(this.#instruments, this.#sampler);
  }
}

export function createRtspMetrics(options: RtspMetricsOptions = {}): RtspMetrics {
  return new RtspMetrics(options);
}
