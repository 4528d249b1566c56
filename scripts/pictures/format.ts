/** Values formatted as Grafana shows them for the units the dashboards use. */

const SI = ['', 'k', 'M', 'G', 'T', 'P'];
const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

function scaled(value: number, base: number, prefixes: readonly string[]): [number, string] {
  let i = 0;
  let v = Math.abs(value);
  while (v >= base && i < prefixes.length - 1) {
    v /= base;
    i++;
  }
  return [Math.sign(value) * v, prefixes[i]!];
}

function num(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (Number.isInteger(value) || abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 0.01) return value.toFixed(2);
  return value.toPrecision(2);
}

function si(value: number, suffix: string): string {
  const [v, prefix] = scaled(value, 1000, SI);
  return `${num(v)}${prefix ? ` ${prefix}` : ''}${suffix}`.trim();
}

function seconds(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return `${num(value * 1e6)} µs`;
  if (abs < 1) return `${num(value * 1e3)} ms`;
  if (abs < 60) return `${num(value)} s`;
  if (abs < 3600) return `${num(value / 60)} min`;
  if (abs < 86_400) return `${num(value / 3600)} h`;
  return `${num(value / 86_400)} d`;
}

function duration(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  const days = Math.floor(value / 86_400);
  const hours = Math.floor((value % 86_400) / 3600);
  const minutes = Math.floor((value % 3600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return seconds(value);
}

export function formatValue(value: number, unit: string): string {
  if (Number.isNaN(value)) return 'NaN';
  switch (unit) {
    case 'percentunit':
      return `${num(value * 100)} %`;
    case 's':
      return seconds(value);
    case 'dtdurations':
      return duration(value);
    case 'bytes': {
      const [v, prefix] = scaled(value, 1024, IEC);
      return `${num(v)} ${prefix}`;
    }
    case 'decbytes':
      return si(value, 'B');
    case 'Bps':
      return si(value, 'B/s');
    case 'bps':
      return si(value, 'b/s');
    case 'reqps':
      return si(value, ' req/s');
    case 'ops':
      return si(value, ' ops/s');
    case 'cps':
      return si(value, ' c/s');
    case 'cpm':
      return si(value, ' c/min');
    case 'pps':
      return si(value, ' p/s');
    default:
      return si(value, '');
  }
}
