/**
 * Maps a request URL path to one of a fixed list of route templates (`/streams/:name`, `/files/*`), so the
 * HTTP `path` label has as many values as the application has routes, whatever clients send.
 */
export class RouteTable {
  readonly #routes: { template: string; segments: string[] }[];

  constructor(
    templates: readonly string[],
    readonly unmatched = '_unmatched',
  ) {
    this.#routes = templates.map((template) => ({ template, segments: split(template) }));
  }

  match(urlPath: string): string {
    const query = urlPath.indexOf('?');
    const segments = split(query === -1 ? urlPath : urlPath.slice(0, query));
    for (const route of this.#routes) if (matches(route.segments, segments)) return route.template;
    return this.unmatched;
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matches(pattern: readonly string[], actual: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p === '*') return actual.length > i;
    const a = actual[i];
    if (a === undefined) return false;
    if (!p.startsWith(':') && p !== a) return false;
  }
  return pattern.length === actual.length;
}
