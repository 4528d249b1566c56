export { startRtspServer } from './server.js';
export type { LiveStreamInfo, RtspServerOptions, RunningRtspServer } from './server.js';
