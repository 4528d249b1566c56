import { prometheusType, workerAggregation, type LabelRule, type MetricDefinition } from './types.js';

const recorder = (by: string) => (by === 'app' ? 'the application' : `@flux-metrics/${by}`);

function describeRule(rule: LabelRule): string {
  switch (rule.kind) {
    case 'enum':
      return `one of ${rule.values.map((v) => `\`${v}\``).join(', ')}; else \`${rule.fallback}\``;
    case 'status':
      return 'status code 100–599; else `invalid`';
    case 'stream':
      return 'stream name, sanitized, bounded (shared limit)';
    case 'route':
      return 'route template, bounded';
    case 'text':
      return `configured name, sanitized, at most ${rule.maxValues} values`;
    case 'metricName':
      return 'a defined metric name; else `other`';
    case 'labelName':
      return 'a defined label name; else `other`';
  }
}

function recordKind(def: MetricDefinition): string {
  return def.kind.startsWith('observable') ? `${def.kind} (observed at collection)` : def.kind;
}

/** The reference section of one metric: type, unit, labels and their rules, buckets, limits. */
export function metricBlock(def: MetricDefinition): string {
  const labels = Object.entries(def.labels);
  const lines = [
    `### \`${def.name}\``,
    '',
    def.help,
    '',
    `| | |`,
    `|---|---|`,
    `| Prometheus type | ${prometheusType(def.kind)} |`,
    `| OpenTelemetry instrument | ${recordKind(def)} |`,
    `| unit | \`${def.unit}\` |`,
    `| labels | ${labels.length === 0 ? '–' : labels.map(([n]) => `\`${n}\``).join(', ')} |`,
  ];
  if (def.buckets) lines.push(`| buckets | ${def.buckets.join(', ')} |`);
  lines.push(
    `| series limit | ${def.cardinalityLimit} |`,
    `| across workers ([cluster](cluster.md)) | ${workerAggregation(def)} |`,
    `| recorded by | ${def.recordedBy.map(recorder).join(', ')} |`,
    `| origin | ${def.origin} |`,
  );
  if (labels.length > 0) {
    lines.push('', 'Label values:', '');
    for (const [name, rule] of labels) lines.push(`- \`${name}\`: ${describeRule(rule)}`);
  }
  if (def.note) lines.push('', `Note: ${def.note}`);
  return lines.join('\n');
}

/**
 * A Markdown reference of metric definitions (an app's own entries, in the format of flux's
 * docs/metrics.md): a summary table, then one section per metric.
 */
export function metricReference(
  definitions: readonly MetricDefinition[],
  title = 'Metric reference',
): string {
  return [
    `# ${title}`,
    '',
    '| metric | type | labels |',
    '|---|---|---|',
    ...definitions.map(
      (d) =>
        `| [\`${d.name}\`](#${d.name}) | ${prometheusType(d.kind)} | ${Object.keys(d.labels).join(', ') || '–'} |`,
    ),
    '',
    ...definitions.flatMap((def) => [metricBlock(def), '']),
  ].join('\n');
}
