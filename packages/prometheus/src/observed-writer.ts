import type { Attributes, AttributeValue } from '@opentelemetry/api';
import {
  prometheusType,
  type ExportedFamily,
  type ObservedReader,
  type ObservedSeries,
  type SyncCell,
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

/**
 * The exposition name of a metric, as the OTel exporter writes it: sanitized, `_` before a leading digit,
 * `_total` on monotonic sums. The chunked serializer groups the SDK's families by the same name.
 */
export function expositionName(name: string, monotonicSum: boolean): string {
  let text = sanitizeName(escapeString(name));
  if (text[0]! >= '0' && text[0]! <= '9') text = `_${text}`;
  if (monotonicSum && !text.endsWith('_total')) text += '_total';
  return text;
}

function familyName(family: ExportedFamily): string {
  const kind = family.definition.kind;
  return expositionName(family.definition.name, kind === 'counter' || kind === 'observableCounter');
}

function header(family: ExportedFamily, name: string): string {
  const { help, unit } = family.definition;
  const unitLine = unit ? `# UNIT ${name} ${escapeString(unit)}\n` : '';
  const type = prometheusType(family.definition.kind);
  return `# HELP ${name} ${escapeString(help || 'description missing')}\n${unitLine}# TYPE ${name} ${type}\n`;
}

/** The fixed text of a histogram family's lines, encoded once per family and scrape. */
interface HistogramText {
  readonly count: Buffer;
  readonly sum: Buffer;
  readonly bucket: Buffer;
  /** `le="…"} ` per bucket, the last `le="+Inf"} `. */
  readonly le: Buffer[];
}

/** A value is at most 24 ASCII characters (-1.2345678901234567e-308); room for it and the line end. */
const VALUE_ROOM = 26;

/**
 * Writes exported families for one set of extra labels (scope info, resource constant labels). The extra
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
  write(family: ExportedFamily, reader: ObservedReader, out: Uint8Array[]): number {
    const name = familyName(family);
    const extra = this.extraLabels;
    const histogram = family.definition.kind === 'histogram' ? histogramText(family, name) : undefined;
    let samples = 0;
    family.visit(reader, (series: ObservedSeries, value: number) => {
      let prepared = series.prepared;
      if (series.preparedFor !== extra || prepared === undefined) {
        const labels = labelText(series.attributes);
        const all = labels && extra ? `${labels},${extra}` : labels || extra;
        // Histograms keep the label text alone (three names share it), other families the whole prefix.
        const text = histogram ? all : all ? `${name}{${all}} ` : `${name} `;
        prepared = series.prepared = Buffer.from(text);
        series.preparedFor = extra;
      }
      if (samples === 0) this.#text(header(family, name), out);
      if (histogram) {
        samples += this.#histogram(histogram, prepared, series as SyncCell, out);
        return;
      }
      samples++;
      this.#line(prepared, undefined, undefined, value, out);
    });
    this.#flush(out, 0);
    return samples;
  }

  /** `_count`, `_sum` and cumulative `_bucket` lines, in the serializer's order. */
  #histogram(text: HistogramText, labels: Uint8Array, cell: SyncCell, out: Uint8Array[]): number {
    this.#line(text.count, labels, undefined, cell.count, out);
    this.#line(text.sum, labels, undefined, cell.value, out);
    let cumulative = 0;
    for (let i = 0; i < text.le.length; i++) {
      cumulative += cell.counts[i]!;
      this.#line(text.bucket, labels, text.le[i], cumulative, out);
    }
    return 2 + text.le.length;
  }

  /**
   * One sample: `prefix value` when `labels` is undefined (the prefix holds name and labels), else
   * `prefix{labels} value`, or `prefix{labels,le="…"} value` with a bucket's `le`.
   */
  #line(
    prefix: Uint8Array,
    labels: Uint8Array | undefined,
    le: Buffer | undefined,
    value: number,
    out: Uint8Array[],
  ): void {
    const length = prefix.length + (labels ? labels.length + 3 : 0) + (le ? le.length + 1 : 0);
    if (this.#used + length + VALUE_ROOM > PIECE_BYTES) this.#flush(out, length + VALUE_ROOM);
    const piece = this.#piece;
    piece.set(prefix, this.#used);
    this.#used += prefix.length;
    if (labels) {
      if (le) {
        piece[this.#used++] = 123; // {
        if (labels.length > 0) {
          piece.set(labels, this.#used);
          this.#used += labels.length;
          piece[this.#used++] = 44; // ,
        }
        piece.set(le, this.#used);
        this.#used += le.length;
      } else if (labels.length > 0) {
        piece[this.#used++] = 123; // {
        piece.set(labels, this.#used);
        this.#used += labels.length;
        piece[this.#used++] = 125; // }
        piece[this.#used++] = 32; // space
      } else {
        piece[this.#used++] = 32;
      }
    }
    this.#used += piece.write(valueText(value), this.#used, 'latin1');
    piece[this.#used++] = 10; // \n
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

function histogramText(family: ExportedFamily, name: string): HistogramText {
  const boundaries = family.definition.buckets ?? [];
  const le = [...boundaries.map((b) => (b === Infinity ? '+Inf' : String(b))), '+Inf'];
  return {
    count: Buffer.from(`${name}_count`),
    sum: Buffer.from(`${name}_sum`),
    bucket: Buffer.from(`${name}_bucket`),
    le: le.map((bound) => Buffer.from(`le="${bound}"} `)),
  };
}
