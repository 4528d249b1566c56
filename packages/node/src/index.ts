export { observedSeriesProducer } from './observed-producer.js';
export { catalogViews } from './views.js';
