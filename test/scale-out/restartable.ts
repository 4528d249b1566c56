import { startChild, waitFor, type Child } from '../support/processes.ts';

/** A child process that a fault test can kill and start again with the same command line and data. */
export interface Restartable {
  readonly name: string;
  /** The running child (replaced by restart()). */
  readonly child: Child;
  /** True while the current child has not exited. */
  alive(): boolean;
  /** SIGKILL, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Starts it again and waits until `readyUrl` answers 2xx. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRestartable(
  name: string,
  command: string,
  args: string[],
  readyUrl: string,
  env?: NodeJS.ProcessEnv,
): Promise<Restartable> {
  const launch = async () => {
    const child = startChild(command, args, env ? { env } : {});
    try {
      // A child that dies while starting (a port taken, a bad flag) fails at once, not after the timeout.
      const died = new Promise<never>((_, reject) =>
        child.process.once('exit', (code) => reject(new Error(`${name} exited with ${code}`))),
      );
      died.catch(() => {}); // it also settles, unobserved, when the child is stopped later
      await Promise.race([
        waitFor(`${name} ready`, async () => ((await fetch(readyUrl)).ok ? true : undefined), 60_000),
        died,
      ]);
    } catch (err) {
      await child.stop();
      throw new Error(`${String(err)}\n${child.output()}`);
    }
    return child;
  };
  let child = await launch();
  return {
    name,
    get child() {
      return child;
    },
    alive: () => child.process.exitCode === null && child.process.signalCode === null,
    kill: () => child.stop('SIGKILL'),
    async restart() {
      child = await launch();
    },
    stop: () => child.stop('SIGTERM'),
  };
}
