// `node --import @flux-metrics/node/register app.js`: registers flux-metrics from the OTEL_* variables
// before the app's own modules load.
import { register } from './register.js';

register();
