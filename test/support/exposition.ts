// One reader of the Prometheus text format, shared with the demo's live summary.
export * from '../../examples/media-server/src/exposition.ts';
