import type { PanelJson } from '../../test/mixin/dashboard-queries.ts';
import type { Series } from '../../test/mixin/panel-data.ts';
import { formatValue } from './format.ts';

/**
 * Draws a dashboard as Grafana lays it out (24-column grid, 30 px per row unit) from real query results:
 * time series as lines, stats as numbers, gauges as arcs, heatmaps as cells, tables as rows. No charting
 * library: plain SVG, turned into PNG by headless Chromium.
 */

export const WIDTH = 1600;
const UNIT_H = 30;
const COL_W = WIDTH / 24;
const PAD = 4;
const PALETTE = [
  '#73bf69',
  '#f2cc0c',
  '#8ab8ff',
  '#ff780a',
  '#f2495c',
  '#5794f2',
  '#b877d9',
  '#705da0',
  '#37872d',
  '#fade2a',
];
const COLORS: Record<string, string> = {
  green: '#73bf69',
  orange: '#ff9830',
  red: '#f2495c',
  yellow: '#fade2a',
};
const BG = '#111217';
const PANEL_BG = '#181b1f';
const TEXT = '#ccccdc';
const DIM = '#8e8e9e';

/** One target's results with the legend template it renders with. */
export interface TargetData {
  readonly legend: string;
  readonly series: readonly Series[];
}

/** A panel to draw: its JSON, its position after repeats, and its data. */
export interface PanelPicture {
  readonly panel: PanelJson;
  readonly y: number;
  /** Title with repeat variables replaced. */
  readonly title: string;
  readonly targets: readonly TargetData[];
}

export interface Picture {
  readonly title: string;
  readonly subtitle: string;
  readonly start: number;
  readonly end: number;
  readonly panels: readonly PanelPicture[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function legendName(template: string, metric: Record<string, string>): string {
  if (template === '' || template === '__auto') {
    const labels = Object.entries(metric).filter(([k]) => k !== '__name__');
    return labels.map(([k, v]) => `${k}=${v}`).join(', ') || metric.__name__ || 'value';
  }
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, l: string) => metric[l] ?? '');
}

function thresholdColor(panel: PanelJson, value: number): string {
  const steps = panel.fieldConfig?.defaults?.thresholds?.steps ?? [];
  let color = steps.length ? (steps[0]!.color ?? 'green') : 'green';
  for (const s of steps) if (s.value !== null && value >= s.value) color = s.color;
  return COLORS[color] ?? color;
}

function text(
  x: number,
  y: number,
  content: string,
  size: number,
  fill = TEXT,
  anchor = 'start',
  weight = 'normal',
): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" fill="${fill}" text-anchor="${anchor}" font-weight="${weight}">${esc(content)}</text>`;
}

function lastValues(targets: readonly TargetData[]): { name: string; value: number }[] {
  return targets.flatMap((t) =>
    t.series.map((s) => ({ name: legendName(t.legend, s.metric), value: s.values.at(-1)![1] })),
  );
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

function timeseries(p: PanelPicture, box: Box, start: number, end: number): string {
  const unit = p.panel.fieldConfig?.defaults?.unit ?? '';
  const lines = p.targets.flatMap((t) => t.series.map((s) => ({ name: legendName(t.legend, s.metric), s })));
  // As many legend columns as the longest name allows (at most 4), at most two rows.
  const longest = Math.max(8, ...lines.map((l) => Math.min(38, l.name.length)));
  const cols = Math.max(1, Math.min(4, Math.floor((box.w - 20) / (longest * 6.6 + 24))));
  const legendRows = Math.min(2, Math.ceil(lines.length / cols));
  const plot = { x: box.x + 70, y: box.y + 6, w: box.w - 80, h: box.h - 24 - legendRows * 16 };
  const values = lines.flatMap((l) => l.s.values.map(([, v]) => v)).filter(Number.isFinite);
  const steps = (p.panel.fieldConfig?.defaults?.thresholds?.steps ?? []).filter((s) => s.value !== null);
  const d = p.panel.fieldConfig?.defaults;
  let lo = Math.min(0, ...values);
  let hi = Math.max(...values, ...steps.map((s) => s.value!).filter((v) => v <= Math.max(...values, 0) * 3));
  if (d?.min !== undefined) lo = d.min;
  if (d?.max !== undefined) hi = Math.max(d.max, lo);
  if (!(hi > lo)) hi = lo + 1;
  const sx = (t: number) => plot.x + ((t - start) / (end - start)) * plot.w;
  const sy = (v: number) => plot.y + plot.h - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * plot.h;
  const out: string[] = [];
  for (let i = 0; i <= 3; i++) {
    const v = lo + ((hi - lo) * i) / 3;
    out.push(`<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${sy(v)}" y2="${sy(v)}" stroke="#2c3235"/>`);
    out.push(text(plot.x - 6, sy(v) + 4, formatValue(v, unit), 11, DIM, 'end'));
  }
  for (const s of steps) {
    if (s.value! < lo || s.value! > hi) continue;
    out.push(
      `<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${sy(s.value!)}" y2="${sy(s.value!)}" stroke="${COLORS[s.color] ?? s.color}" stroke-dasharray="6 4"/>`,
    );
  }
  lines.forEach((l, i) => {
    const points = l.s.values
      .filter(([, v]) => Number.isFinite(v))
      .map(([t, v]) => `${sx(t).toFixed(1)},${sy(v).toFixed(1)}`);
    if (points.length === 1) points.push(points[0]!.replace(/^([\d.]+)/, (x) => String(Number(x) + 2)));
    out.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.5"/>`,
    );
  });
  const minutes = Math.round((end - start) / 60);
  out.push(text(plot.x, plot.y + plot.h + 14, `-${minutes} min`, 11, DIM));
  out.push(text(plot.x + plot.w, plot.y + plot.h + 14, 'now', 11, DIM, 'end'));
  const shown = lines.slice(0, legendRows * cols);
  shown.forEach((l, i) => {
    const lx = box.x + 10 + (i % cols) * ((box.w - 20) / cols);
    const ly = box.y + box.h - (legendRows - Math.floor(i / cols)) * 16 + 10;
    out.push(`<rect x="${lx}" y="${ly - 8}" width="10" height="3" fill="${PALETTE[i % PALETTE.length]}"/>`);
    out.push(text(lx + 14, ly - 3, l.name.slice(0, 38), 11, DIM));
  });
  if (lines.length > shown.length)
    out.push(
      text(box.x + box.w - 8, box.y + box.h - 4, `+${lines.length - shown.length} more`, 11, DIM, 'end'),
    );
  return out.join('\n');
}

function stat(p: PanelPicture, box: Box): string {
  const unit = p.panel.fieldConfig?.defaults?.unit ?? '';
  const vals = lastValues(p.targets).slice(0, 3);
  return vals
    .map((v, i) => {
      const w = box.w / vals.length;
      const cx = box.x + w * i + w / 2;
      const size = Math.min(44, box.h * 0.45, (w / formatValue(v.value, unit).length) * 1.6);
      return (
        text(
          cx,
          box.y + box.h / 2 + size / 3,
          formatValue(v.value, unit),
          size,
          thresholdColor(p.panel, v.value),
          'middle',
          'bold',
        ) + (vals.length > 1 ? text(cx, box.y + box.h - 6, v.name.slice(0, 30), 11, DIM, 'middle') : '')
      );
    })
    .join('\n');
}

function gauge(p: PanelPicture, box: Box): string {
  const d = p.panel.fieldConfig?.defaults;
  const unit = d?.unit ?? '';
  const vals = lastValues(p.targets).slice(0, 3);
  const [min, max] = [d?.min ?? 0, d?.max ?? 1];
  return vals
    .map((v, i) => {
      const w = box.w / vals.length;
      const cx = box.x + w * i + w / 2;
      const r = Math.min(w / 2 - 10, box.h - 30) * 0.9;
      const cy = box.y + r + 8;
      const arc = (from: number, to: number) => {
        const a0 = Math.PI * (1 - from);
        const a1 = Math.PI * (1 - to);
        return `M ${cx + r * Math.cos(a0)} ${cy - r * Math.sin(a0)} A ${r} ${r} 0 0 1 ${cx + r * Math.cos(a1)} ${cy - r * Math.sin(a1)}`;
      };
      const f = Math.min(Math.max((v.value - min) / (max - min), 0), 1);
      return [
        `<path d="${arc(0, 1)}" stroke="#2c3235" stroke-width="14" fill="none"/>`,
        `<path d="${arc(0, Math.max(f, 0.002))}" stroke="${thresholdColor(p.panel, v.value)}" stroke-width="14" fill="none"/>`,
        text(
          cx,
          cy - 4,
          formatValue(v.value, unit),
          Math.min(28, r / 2.5),
          thresholdColor(p.panel, v.value),
          'middle',
          'bold',
        ),
        vals.length > 1 ? text(cx, cy + 18, v.name.slice(0, 28), 11, DIM, 'middle') : '',
      ].join('\n');
    })
    .join('\n');
}

function heatmap(p: PanelPicture, box: Box, start: number, end: number): string {
  const unit = p.panel.fieldConfig?.defaults?.unit ?? '';
  const buckets = p.targets
    .flatMap((t) => t.series)
    .map((s) => ({ le: Number(s.metric.le === '+Inf' ? Infinity : s.metric.le), values: new Map(s.values) }))
    .sort((a, b) => a.le - b.le);
  const times = [...new Set(buckets.flatMap((b) => [...b.values.keys()]))].sort((a, b) => a - b);
  // Cumulative bucket counts → counts per bucket.
  const cells = buckets.map((b, i) =>
    times.map((t) =>
      Math.max(0, (b.values.get(t) ?? 0) - (i > 0 ? (buckets[i - 1]!.values.get(t) ?? 0) : 0)),
    ),
  );
  const maxCount = Math.max(1e-9, ...cells.flat());
  const plot = { x: box.x + 70, y: box.y + 6, w: box.w - 80, h: box.h - 24 };
  const cw = plot.w / Math.max(1, times.length);
  const ch = plot.h / Math.max(1, buckets.length);
  const out: string[] = [];
  cells.forEach((row, i) =>
    row.forEach((count, j) => {
      if (count <= 0) return;
      const a = Math.sqrt(count / maxCount);
      const x = plot.x + ((times[j]! - start) / (end - start)) * plot.w - cw / 2;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${(plot.y + plot.h - (i + 1) * ch).toFixed(1)}" width="${Math.max(1, cw - 1).toFixed(1)}" height="${Math.max(1, ch - 1).toFixed(1)}" fill="#ff780a" fill-opacity="${(0.15 + 0.85 * a).toFixed(2)}"/>`,
      );
    }),
  );
  buckets.forEach((b, i) => {
    if (buckets.length > 8 && i % 2) return;
    const label = Number.isFinite(b.le) ? formatValue(b.le, unit) : '+Inf';
    out.push(text(plot.x - 6, plot.y + plot.h - i * ch - ch / 2 + 4, label, 10, DIM, 'end'));
  });
  out.push(text(plot.x, plot.y + plot.h + 14, `-${Math.round((end - start) / 60)} min`, 11, DIM));
  out.push(text(plot.x + plot.w, plot.y + plot.h + 14, 'now', 11, DIM, 'end'));
  return out.join('\n');
}

function table(p: PanelPicture, box: Box): string {
  const unit = p.panel.fieldConfig?.defaults?.unit ?? '';
  const renames = p.panel.transformations?.find((t) => t.id === 'organize')?.options.renameByName ?? {};
  const valueTitles = Object.values(renames);
  // Rows keyed by label set; one value column per target (the `merge` transformation).
  const rows = new Map<string, { labels: Record<string, string>; values: (number | undefined)[] }>();
  p.targets.forEach((t, i) => {
    for (const s of t.series) {
      const labels = Object.fromEntries(Object.entries(s.metric).filter(([k]) => k !== '__name__'));
      const key = JSON.stringify(labels);
      const row = rows.get(key) ?? { labels, values: [] };
      row.values[i] = s.values.at(-1)![1];
      rows.set(key, row);
    }
  });
  const labelNames = [...new Set([...rows.values()].flatMap((r) => Object.keys(r.labels)))];
  const columns = [...labelNames, ...valueTitles];
  const sorted = [...rows.values()].sort((a, b) => (b.values[0] ?? -Infinity) - (a.values[0] ?? -Infinity));
  const colW = (box.w - 16) / columns.length;
  const out: string[] = [];
  columns.forEach((c, i) =>
    out.push(text(box.x + 8 + i * colW, box.y + 14, c, 12, '#6e9fff', 'start', 'bold')),
  );
  sorted.slice(0, Math.floor((box.h - 24) / 20)).forEach((r, j) => {
    const y = box.y + 36 + j * 20;
    out.push(
      `<line x1="${box.x + 4}" x2="${box.x + box.w - 4}" y1="${y - 15}" y2="${y - 15}" stroke="#2c3235"/>`,
    );
    labelNames.forEach((l, i) =>
      out.push(text(box.x + 8 + i * colW, y, (r.labels[l] ?? '').slice(0, 26), 12)),
    );
    valueTitles.forEach((title, i) => {
      const v = r.values[i];
      const u = title === 'Burn rate' ? 'none' : unit;
      out.push(
        text(
          box.x + 8 + (labelNames.length + i) * colW,
          y,
          v === undefined ? '' : formatValue(v, u),
          12,
          v === undefined ? DIM : thresholdColor(p.panel, v),
        ),
      );
    });
  });
  return out.join('\n');
}

function panelSvg(p: PanelPicture, start: number, end: number): string {
  const g = p.panel.gridPos;
  const outer = {
    x: g.x * COL_W + PAD,
    y: p.y * UNIT_H + 70 + PAD,
    w: g.w * COL_W - 2 * PAD,
    h: g.h * UNIT_H - 2 * PAD,
  };
  const body = { x: outer.x, y: outer.y + 26, w: outer.w, h: outer.h - 30 };
  const empty = p.targets.every((t) => t.series.length === 0);
  let content: string;
  if (empty) content = text(body.x + body.w / 2, body.y + body.h / 2, 'No data', 16, DIM, 'middle');
  else if (p.panel.type === 'timeseries') content = timeseries(p, body, start, end);
  else if (p.panel.type === 'stat') content = stat(p, body);
  else if (p.panel.type === 'gauge') content = gauge(p, body);
  else if (p.panel.type === 'heatmap') content = heatmap(p, body, start, end);
  else content = table(p, body);
  const clip = `clip-${p.panel.id}-${p.y}`;
  return [
    `<clipPath id="${clip}"><rect x="${outer.x}" y="${outer.y}" width="${outer.w}" height="${outer.h}"/></clipPath>`,
    `<rect x="${outer.x}" y="${outer.y}" width="${outer.w}" height="${outer.h}" rx="3" fill="${PANEL_BG}" stroke="#25282d"/>`,
    text(outer.x + 8, outer.y + 18, p.title, 13, TEXT, 'start', 'bold'),
    `<g clip-path="url(#${clip})">${content}</g>`,
  ].join('\n');
}

/** Row headers: title text across the grid. */
export interface RowHeader {
  readonly title: string;
  readonly y: number;
}

export function dashboardSvg(picture: Picture, rows: readonly RowHeader[]): { svg: string; height: number } {
  const bottom = Math.max(...picture.panels.map((p) => p.y + p.panel.gridPos.h), ...rows.map((r) => r.y + 1));
  const height = bottom * UNIT_H + 70 + 10;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="${BG}"/>`,
    text(12, 30, picture.title, 20, TEXT, 'start', 'bold'),
    text(12, 52, picture.subtitle, 12, DIM),
    ...rows.map((r) => text(10, r.y * UNIT_H + 70 + 20, r.title, 14, TEXT, 'start', 'bold')),
    ...picture.panels.map((p) => panelSvg(p, picture.start, picture.end)),
    '</svg>',
  ];
  return { svg: parts.join('\n'), height };
}
