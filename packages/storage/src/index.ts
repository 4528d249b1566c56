// Metrics of one storage volume: byte counters, sampled I/O latency, errno errors, disk usage of paths.
export { DEFAULT_LATENCY_SAMPLE_EVERY, StorageMetrics, storageMetrics } from './storage-metrics.js';
export type { StorageMetricsOptions, StorageOperation } from './storage-metrics.js';
export { SampledIo } from './sampled-io.js';
export type { IoStart } from './sampled-io.js';
export { errnoType } from './errno.js';
export type { ErrnoType } from './errno.js';

// Wrappers: metered in place, same objects, same data, same errors.
export { instrumentFileHandle, openFile } from './file-handle.js';
export { instrumentReadable, instrumentWritable } from './streams.js';

// Recorder: segments, snapshots, retention.
export { createRecorder, Recorder, Segment } from './recorder.js';
export type { CloseSegmentOptions } from './recorder.js';
