export { PrometheusBridge, CONTENT_TYPE } from './bridge.js';
export type { PrometheusBridgeOptions, ListenOptions } from './bridge.js';
export type { ScrapeAuth } from './auth.js';
export type { ExpositionOptions, Scrape } from './scrape.js';
export { countSamples } from './scrape.js';
export { ChunkedSerializer } from './chunked-serializer.js';
export type { SerializerOptions } from './chunked-serializer.js';
