import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as GaugeBuilder } from '@grafana/grafana-foundation-sdk/gauge';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import type { Thresholds } from './thresholds.js';

/** Every panel queries the data source chosen in the dashboard's `datasource` variable. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

export interface Target {
  readonly expr: string;
  /** Legend template, e.g. `{{protocol}}`. */
  readonly legend?: string;
}

/** A link shown on the panel, e.g. the runbook of the alert the panel's threshold belongs to. */
export interface PanelLink {
  readonly title: string;
  readonly url: string;
}

/** What every panel must have: the lint test checks these on the generated JSON, this type up front. */
export interface PanelSpec {
  readonly title: string;
  /** Shown as the panel's (i) tooltip: what the panel shows and how to read it. */
  readonly description: string;
  /** A Grafana unit id (`s`, `bytes`, `percentunit`, `reqps`, …). */
  readonly unit: string;
  readonly targets: readonly Target[];
  /** Width in grid columns (24 = full width). */
  readonly width: number;
  readonly height?: number;
  readonly thresholds?: Thresholds;
  readonly min?: number;
  readonly max?: number;
  readonly links?: readonly PanelLink[];
}

/** The builder methods all panel kinds share, so one function applies a spec to any of them. */
interface AnyPanelBuilder extends cog.Builder<dashboard.Panel> {
  title(title: string): unknown;
  description(description: string): unknown;
  datasource(datasource: { type: string; uid: string }): unknown;
  unit(unit: string): unknown;
  span(width: number): unknown;
  height(height: number): unknown;
  withTarget(target: cog.Builder<cog.Dataquery>): unknown;
  thresholds(thresholds: cog.Builder<dashboard.ThresholdsConfig>): unknown;
  min(min: number): unknown;
  max(max: number): unknown;
  links(links: cog.Builder<dashboard.DashboardLink>[]): unknown;
}

function apply<B extends AnyPanelBuilder>(
  builder: B,
  spec: PanelSpec,
  target: (t: Target, refId: string) => prometheus.DataqueryBuilder = rangeQuery,
): B {
  builder.title(spec.title);
  builder.description(spec.description);
  builder.datasource(DATASOURCE);
  builder.unit(spec.unit);
  builder.span(spec.width);
  builder.height(spec.height ?? 8);
  spec.targets.forEach((t, i) => builder.withTarget(target(t, String.fromCharCode(65 + i))));
  if (spec.thresholds) builder.thresholds(thresholdsBuilder(spec.thresholds));
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  if (spec.links?.length) {
    builder.links(
      spec.links.map((l) => new dashboard.DashboardLinkBuilder(l.title).url(l.url).targetBlank(true)),
    );
  }
  return builder;
}

function rangeQuery(t: Target, refId: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(t.expr)
    .legendFormat(t.legend ?? '__auto')
    .range()
    .refId(refId);
}

function thresholdsBuilder(t: Thresholds): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: t.base }, ...t.steps]);
}

/** A graph over time; threshold lines are drawn when the spec has thresholds. */
export function timeseries(spec: PanelSpec & { readonly stacked?: boolean }): TimeseriesBuilder {
  const panel = apply(new TimeseriesBuilder(), spec)
    .fillOpacity(10)
    .lineWidth(1)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  if (spec.thresholds) {
    panel.thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
    );
  }
  if (spec.stacked) {
    panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)).fillOpacity(30);
  }
  return panel;
}

/** One big number (the last value) with a sparkline, coloured by the thresholds. */
export function stat(spec: PanelSpec): StatBuilder {
  return apply(new StatBuilder(), spec)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value);
}

/** A dial for a bounded value (ratios), with threshold markers. */
export function gauge(spec: PanelSpec): GaugeBuilder {
  return apply(new GaugeBuilder(), spec)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .showThresholdMarkers(true);
}

/**
 * A heatmap of a classic histogram: the query returns cumulative bucket series (legend `{{le}}`) and
 * Grafana turns them into per-bucket counts (`format: heatmap`).
 */
export function histogramHeatmap(spec: PanelSpec): heatmap.PanelBuilder {
  const panel = apply(new heatmap.PanelBuilder(), spec, (t, refId) =>
    rangeQuery({ ...t, legend: t.legend ?? '{{le}}' }, refId)
      .format(prometheus.PromQueryFormat.Heatmap)
      .interval('1m'),
  );
  return panel
    .calculate(false)
    .yAxis(new heatmap.YAxisConfigBuilder().unit(spec.unit))
    .color(
      new heatmap.HeatmapColorOptionsBuilder()
        .mode(heatmap.HeatmapColorMode.Scheme)
        .scheme('Oranges')
        .scale(heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5),
    )
    .cellGap(1)
    .showValue(common.VisibilityMode.Never);
}

/**
 * A table of instant queries (one row per label set, labels as columns), e.g. a top-N list. `valueTitles`
 * names the value column of each target; several targets are merged into one row per label set.
 */
export function table(spec: PanelSpec & { readonly valueTitles: readonly string[] }): TableBuilder {
  if (spec.valueTitles.length !== spec.targets.length) {
    throw new Error(`dashboards: table "${spec.title}" needs one value title per target`);
  }
  const single = spec.targets.length === 1;
  const renames = Object.fromEntries(
    spec.valueTitles.map((title, i) => [single ? 'Value' : `Value #${String.fromCharCode(65 + i)}`, title]),
  );
  const panel = apply(new TableBuilder(), spec, (t, refId) =>
    new prometheus.DataqueryBuilder()
      .datasource(DATASOURCE)
      .expr(t.expr)
      .legendFormat(t.legend ?? '__auto')
      .format(prometheus.PromQueryFormat.Table)
      .instant()
      .refId(refId),
  );
  if (!single) panel.withTransformation({ id: 'merge', options: {} });
  return panel
    .withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, renameByName: renames } })
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(spec.valueTitles[0] ?? '').desc(true)])
    .cellOptions({ type: common.TableCellDisplayMode.ColorText });
}
