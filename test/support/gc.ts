import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
/** A full garbage collection (V8's `gc()`, exposed without a command-line flag). */
export const gc = runInNewContext('gc') as () => void;
