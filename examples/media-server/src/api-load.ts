/** Clients of the demo's HTTP API: listings, a stream that exists, one that does not, recordings. */
export class ApiLoad {
  #timer: NodeJS.Timeout | undefined;
  #tick = 0;

  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#round().catch(() => {}), 1_000);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #get(path: string, method = 'GET'): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`, { method, signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res;
  }

  async #round(): Promise<void> {
    const tick = ++this.#tick;
    await this.#get('/healthz');
    await this.#get('/streams');
    await this.#get(tick % 2 ? '/streams/cam1' : '/streams/no-such-stream');
    // A WebDAV client that found the wrong server: 405, and a method outside the label's vocabulary.
    if (tick % 7 === 0) await this.#get('/streams', 'PROPFIND');
    if (tick % 5 === 0) {
      const names = (await (await fetch(`${this.baseUrl}/recordings`)).json()) as string[];
      const ts = names.filter((n) => n.endsWith('.ts'));
      if (ts.length > 0) await this.#get(`/recordings/${ts[ts.length - 1]}`);
    }
  }
}
