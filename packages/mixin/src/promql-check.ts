import { CATALOG, prometheusType } from '@flux-metrics/core';
import { parser } from '@prometheus-io/lezer-promql';

/**
 * A semantic check of generated PromQL against the metric catalog: promtool only checks syntax, so a rule
 * naming a metric that does not exist, matching a label the metric lacks, or taking `rate()` of a gauge
 * passes it and then never fires (or fires wrongly).
 */

export type SeriesType = 'counter' | 'gauge' | 'histogram' | 'unknown';

interface SeriesInfo {
  readonly type: SeriesType;
  /** Labels the series carries besides the common ones; undefined: not known, any label is accepted. */
  readonly labels?: readonly string[];
  /** The catalog metric it belongs to, for messages. */
  readonly metric: string;
}

export interface CheckOptions {
  /**
   * Series outside the catalog the expression may use, with any labels: exact names or `prefix*` patterns.
   * Default: {@link DEFAULT_EXTERNAL_SERIES}.
   */
  readonly external?: readonly string[];
  /** Series written by recording rules, with the labels each keeps. */
  readonly recorded?: Readonly<Record<string, readonly string[]>>;
  /** Labels every series may carry besides its own. Default: {@link COMMON_LABELS}. */
  readonly commonLabels?: readonly string[];
}

/** Prometheus' own series and the Collector's self-telemetry: not in the catalog, always present. */
export const DEFAULT_EXTERNAL_SERIES: readonly string[] = [
  'up',
  'target_info',
  'scrape_*',
  'otelcol_*',
  'ALERTS',
  'ALERTS_FOR_STATE',
];

/** Labels added by the scrape (`job`, `instance`) or by OpenTelemetry's Prometheus translation. */
export const COMMON_LABELS: readonly string[] = [
  '__name__',
  'job',
  'instance',
  'otel_scope_name',
  'otel_scope_version',
  'otel_metric_overflow',
];

/** A node of the parse tree (the lezer type, named without depending on @lezer/common directly). */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase']);
/** Functions that add a label named by their second argument. */
const LABEL_MAKERS = new Set(['label_replace', 'label_join']);

/** The series the catalog defines under their Prometheus names (with `_bucket`, `_count`, … suffixes). */
function catalogSeries(): Map<string, SeriesInfo> {
  const series = new Map<string, SeriesInfo>();
  for (const def of CATALOG) {
    const labels = Object.keys(def.labels);
    const type = prometheusType(def.kind);
    const add = (name: string, t: SeriesType, extra: readonly string[] = []): void => {
      series.set(name, { type: t, labels: [...labels, ...extra], metric: def.name });
    };
    if (type === 'histogram') {
      add(def.name, 'histogram'); // native histogram form
      add(`${def.name}_bucket`, 'counter', ['le']);
      add(`${def.name}_count`, 'counter');
      add(`${def.name}_sum`, 'counter');
      add(`${def.name}_created`, 'gauge');
    } else if (type === 'counter') {
      add(def.name, 'counter');
      add(`${def.name.replace(/_total$/, '')}_created`, 'gauge');
    } else {
      add(def.name, 'gauge');
    }
  }
  return series;
}

const CATALOG_SERIES = catalogSeries();

/**
 * Problems in one PromQL expression: parse errors, metric names neither the catalog nor `options` define,
 * label names (matchers, `by`/`without`, `on`/`ignoring`/`group_*`) the selected metrics do not carry, and
 * `rate()`/`irate()`/`increase()` over a gauge. An empty array means none were found.
 */
export function checkExpression(expr: string, options: CheckOptions = {}): string[] {
  if (expr.trim() === '') return ['empty expression'];
  const tree = parser.parse(expr);
  const problems: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) problems.push(`parse error at ${node.from}: ${context(expr, node.from)}`);
    },
  });
  if (problems.length) return problems;

  const lookup = seriesLookup(options);
  const common = new Set([...(options.commonLabels ?? COMMON_LABELS), ...madeLabels(tree.topNode, expr)]);
  const text = (node: SyntaxNode): string => expr.slice(node.from, node.to);

  for (const selector of descendants(tree.topNode, 'VectorSelector')) {
    const name = selectorName(selector, text);
    if (name === undefined) continue; // a regex on __name__: nothing to check against
    const info = lookup(name);
    if (!info) {
      problems.push(
        `unknown metric "${name}": not in the catalog, the recording rules or the allowed external series`,
      );
      continue;
    }
    for (const label of matcherLabels(selector, text)) {
      if (!labelAllowed(label, [info], common)) problems.push(labelProblem(label, name, info));
    }
  }

  for (const call of descendants(tree.topNode, 'FunctionCall')) {
    const fn = text(call.getChild('FunctionIdentifier')!);
    if (!RATE_FUNCTIONS.has(fn)) continue;
    const matrix = call.getChild('FunctionCallBody')?.getChild('MatrixSelector');
    const selector = matrix?.getChild('VectorSelector');
    const name = selector ? selectorName(selector, text) : undefined;
    const info = name === undefined ? undefined : lookup(name);
    if (info?.type === 'gauge') {
      problems.push(
        `${fn}() over gauge "${name}": a gauge is not a counter; use delta()/deriv() or a counter`,
      );
    }
  }

  for (const grouping of descendants(tree.topNode, 'GroupingLabels')) {
    const scope = grouping.parent?.parent; // AggregateModifier → AggregateExpr, MatchingModifierClause → BinaryExpr
    if (!scope) continue;
    const infos = descendants(scope, 'VectorSelector').map((s) => {
      const name = selectorName(s, text);
      return name === undefined ? undefined : lookup(name);
    });
    if (infos.some((i) => i === undefined || i.labels === undefined)) continue; // unknown labels somewhere
    for (const labelNode of [
      ...grouping.getChildren('LabelName'),
      ...grouping.getChildren('QuotedLabelName'),
    ]) {
      const label = unquote(text(labelNode));
      if (!labelAllowed(label, infos as SeriesInfo[], common)) {
        const names = [...new Set((infos as SeriesInfo[]).map((i) => i.metric))].join(', ');
        problems.push(`label "${label}" in ${text(grouping.parent!)}: none of ${names} has it`);
      }
    }
  }
  return problems;
}

function seriesLookup(options: CheckOptions): (name: string) => SeriesInfo | undefined {
  const external = options.external ?? DEFAULT_EXTERNAL_SERIES;
  const recorded = options.recorded ?? {};
  return (name) => {
    const known = CATALOG_SERIES.get(name);
    if (known) return known;
    const labels = recorded[name];
    if (labels) return { type: 'unknown', labels, metric: name };
    const isExternal = external.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : p === name));
    return isExternal ? { type: 'unknown', metric: name } : undefined;
  };
}

function labelAllowed(label: string, infos: readonly SeriesInfo[], common: ReadonlySet<string>): boolean {
  return common.has(label) || infos.some((i) => i.labels === undefined || i.labels.includes(label));
}

function labelProblem(label: string, name: string, info: SeriesInfo): string {
  const own = info.labels?.length ? info.labels.join(', ') : 'none';
  return `label "${label}" is not a label of "${name}" (its labels: ${own})`;
}

/** The metric name of a selector: its identifier or an exact `__name__` matcher. */
function selectorName(selector: SyntaxNode, text: (n: SyntaxNode) => string): string | undefined {
  const id = selector.getChild('Identifier');
  if (id) return text(id);
  for (const matcher of selector.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
    const op = matcher.getChild('MatchOp');
    if (text(matcher.getChild('LabelName')!) === '__name__' && op && text(op) === '=') {
      return unquote(text(matcher.getChild('StringLiteral')!));
    }
  }
  return undefined;
}

function matcherLabels(selector: SyntaxNode, text: (n: SyntaxNode) => string): string[] {
  const matchers = selector.getChild('LabelMatchers');
  if (!matchers) return [];
  return [
    ...matchers.getChildren('UnquotedLabelMatcher').map((m) => text(m.getChild('LabelName')!)),
    ...matchers.getChildren('QuotedLabelMatcher').flatMap((m) => {
      const name = m.getChild('QuotedLabelName');
      return name ? [unquote(text(name))] : [];
    }),
  ];
}

/** Labels the expression itself creates (`label_replace(v, "dst", …)`): allowed everywhere in it. */
function madeLabels(top: SyntaxNode, expr: string): string[] {
  return descendants(top, 'FunctionCall').flatMap((call) => {
    const fn = expr.slice(call.getChild('FunctionIdentifier')!.from, call.getChild('FunctionIdentifier')!.to);
    if (!LABEL_MAKERS.has(fn)) return [];
    const dst = call.getChild('FunctionCallBody')?.getChildren('StringLiteral')[0];
    return dst ? [unquote(expr.slice(dst.from, dst.to))] : [];
  });
}

function descendants(node: SyntaxNode, name: string, found: SyntaxNode[] = []): SyntaxNode[] {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name === name) found.push(child);
    descendants(child, name, found);
  }
  return found;
}

function unquote(literal: string): string {
  const quote = literal[0];
  if ((quote === '"' || quote === "'" || quote === '`') && literal.endsWith(quote)) {
    return literal.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return literal;
}

function context(expr: string, at: number): string {
  const near = expr.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, ' ');
  return at >= expr.length ? `unexpected end near "${near}"` : `near "${near}"`;
}
