import type { Attributes, AttributeValue } from '@opentelemetry/api';
import {
  prometheusType,
  type ObservedFamily,
  type ObservedReader,
  type ObservedSeries,
} from '@flux-metrics/core';

/*
 * The observed families written straight from their cells, in exactly the text the OTel PrometheusSerializer
 * writes for the same data (the observed-series producer's MetricData): a series' label text is escaped
 * once and kept on the series, so a scrape only appends name, labels and value per sample.
 */

/** Bytes written between two yields to the event loop, about a tenth of a millisecond of work. */
export const PIECE_BYTES = 64 * 1024;

const escapeString = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function escapeLabelValue(value: AttributeValue | undefined): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return escapeString(text).replace(/"/g, '\\"');
}

const sanitizeName = (name: string) => name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');

/** `k="v",…` for a set of attributes, keys sanitized and values escaped as the serializer does. */
export function labelText(attributes: Attributes): string {
  let text = '';
  for (const [key, value] of Object.entries(attributes)) {
    text += `${text.length > 0 ? ',' : ''}${sanitizeName(key)}="${escapeLabelValue(value)}"`;
  }
  return text;
}

function valueText(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return `${value}`;
}

/** The exposition name of an observed family: the serializer's sanitizing plus `_total` on counters. */
function familyName(family: ObservedFamily<string>): string {
  let name = sanitizeName(escapeString(family.definition.name));
  if (name[0]! >= '0' && name[0]! <= '9') name = `_${name}`;
  if (family.definition.kind === 'observableCounter' && !name.endsWith('_total')) name += '_total';
  return name;
}

function header(family: ObservedFamily<string>, name: string): string {
  const { help, unit } = family.definition;
  const unitLine = unit ? `# UNIT ${name} ${escapeString(unit)}\n` : '';
  const type = prometheusType(family.definition.kind);
  return `# HELP ${name} ${escapeString(help || 'description missing')}\n${unitLine}# TYPE ${name} ${type}\n`;
}

/**
 * Writes observed families for one set of extra labels (scope info, resource constant labels). The extra
 * label text tags what a series keeps, so a series read by writers with different extras stays correct.
 * Samples are copied as bytes into pieces of PIECE_BYTES: no string per line, nothing for the GC to chase.
 */
export class ObservedWriter {
  #piece = Buffer.allocUnsafe(PIECE_BYTES);
  #used = 0;

  constructor(private readonly extraLabels: string) {}

  /**
   * Reads one family for `reader` and appends its text to `out` in pieces of at most PIECE_BYTES; returns
   * the number of samples. A family without series writes nothing, as the producer exports no metric then.
   */
  write(family: ObservedFamily<string>, reader: ObservedReader, out: Uint8Array[]): number {
    const name = familyName(family);
    const extra = this.extraLabels;
    let samples = 0;
    family.visit(reader, (series: ObservedSeries, value: number) => {
      let prepared = series.prepared;
      if (series.preparedFor !== extra || prepared === undefined) {
        const labels = labelText(series.attributes);
        const all = labels && extra ? `${labels},${extra}` : labels || extra;
        prepared = series.prepared = Buffer.from(all ? `${name}{${all}} ` : `${name} `);
        series.preparedFor = extra;
      }
      if (samples++ === 0) this.#text(header(family, name), out);
      // A value is at most 24 ASCII characters (-1.2345678901234567e-308).
      if (this.#used + prepared.length + 25 > PIECE_BYTES) this.#flush(out, prepared.length + 25);
      this.#piece.set(prepared, this.#used);
      this.#used += prepared.length;
      this.#used += this.#piece.write(valueText(value), this.#used, 'latin1');
      this.#piece[this.#used++] = 10; // \n
    });
    this.#flush(out, 0);
    return samples;
  }

  #text(text: string, out: Uint8Array[]): void {
    const bytes = Buffer.from(text);
    if (this.#used + bytes.length > PIECE_BYTES) this.#flush(out, bytes.length);
    this.#piece.set(bytes, this.#used);
    this.#used += bytes.length;
  }

  /** Hands the filled part of the piece to `out` and starts one with room for at least `room` bytes. */
  #flush(out: Uint8Array[], room: number): void {
    if (this.#used > 0) out.push(this.#piece.subarray(0, this.#used));
    this.#piece = Buffer.allocUnsafe(Math.max(PIECE_BYTES, room));
    this.#used = 0;
  }
}
