import { waitFor as waitForValue } from '../support/processes.ts';

/** Polls `check` until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  await waitForValue(what, async () => ((await check()) ? true : undefined), timeoutMs);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
