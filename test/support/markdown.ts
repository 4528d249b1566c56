/** Fenced code blocks of a Markdown file, for tests that run or check what the docs show. */
export interface Fence {
  /** First word of the info string (`ts`, `sh`, `yaml`, `promql`), '' when there is none. */
  readonly lang: string;
  /** The rest of the info string, e.g. `no-run — a server that runs until stopped`. */
  readonly info: string;
  readonly body: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

export function fences(markdown: string): Fence[] {
  const found: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, marker, lang, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trimStart().startsWith(marker!); j++) {
      body.push(lines[j]!.slice(Math.min(indent!.length, lines[j]!.length - lines[j]!.trimStart().length)));
    }
    found.push({ lang: lang!, info: info!.trim(), body: body.join('\n') + '\n', line: i + 1 });
    i = j;
  }
  return found;
}

/** The opt-out marker: a fence whose info string starts with it is type-checked but not run. */
export const NO_RUN = 'no-run';

export function isNoRun(fence: Fence): boolean {
  return fence.info === NO_RUN || fence.info.startsWith(`${NO_RUN} `);
}

/** The section of a Markdown file from a `## heading` up to the next heading of the same or higher level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}
