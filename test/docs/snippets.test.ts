// Every fenced snippet in README.md and docs/**/*.md is checked here, extracted from the Markdown (never copied),
// so a doc cannot drift from the code. The convention (docs/contributing.md says the same):
// - ```ts / ```js: a complete ES module. All are type-checked together by tsc against the workspace packages;
//   then each runs with the repo's Node (type stripping) and must exit 0 by itself within 60 s. One that cannot
//   run here (a server that runs until stopped, a peer the test does not start) says so in its info string,
//   ```ts no-run — <reason>; it is still type-checked.
// - ```sh / ```bash: `bash -n`; every `npm run X` names a root script, `npm start -w W` a workspace with a start
//   script, `npx B` a workspace bin, and every command or `node`/`bash` argument with a `/` an existing file.
//   Not run: they install, start servers or rewrite deploy/. `no-run` marks commands for the user's own project
//   (syntax only).
// - ```yaml: every document parses. ```promql: each expression passes @flux-metrics/mixin's checkExpression
//   (catalog names, labels, rate of counters only) with the mixin's recorded series. One expression a line; a
//   line ending or followed by a binary operator, or with parentheses open, continues onto the next.
// - ```json: parses. A fence without a language, ```text or ```console is text (diagrams, output): not
//   checked. Any other language fails this test, so a new kind of snippet gets a rule before it lands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import {
  checkExpression,
  dashboardRecordedLabels,
  defaultConfig,
  RECORDED_LABELS,
} from '@flux-metrics/mixin';
import { fences, isNoRun, type Fence } from '../support/markdown.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const RUN_TIMEOUT_MS = 60_000;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? markdownFiles(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [join(dir, entry.name)]
        : [],
  );
}

interface Snippet extends Fence {
  /** Repo-relative Markdown file. */
  readonly doc: string;
}

const snippets: Snippet[] = [join(repo, 'README.md'), ...markdownFiles(join(repo, 'docs'))].flatMap((path) =>
  fences(readFileSync(path, 'utf8')).map((fence) => ({ ...fence, doc: relative(repo, path) })),
);
const where = (s: Snippet): string => `${s.doc}:${s.line}`;
const of = (...langs: string[]): Snippet[] => snippets.filter((s) => langs.includes(s.lang));

test('every fence has a language this test checks, or none', () => {
  const known = new Set(['', 'text', 'console', 'ts', 'js', 'sh', 'bash', 'yaml', 'json', 'promql']);
  assert.deepEqual(
    snippets.filter((s) => !known.has(s.lang)).map((s) => `${where(s)} ${s.lang}`),
    [],
  );
  assert.ok(of('ts', 'js').length >= 10, 'the docs have TypeScript snippets');
});

/** A scratch directory outside the repo that resolves packages from the workspace's node_modules. */
function snippetDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flux-snippets-'));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  return dir;
}

const fileName = (s: Snippet): string =>
  `${s.doc.replace(/[^a-zA-Z0-9]+/g, '_')}_L${s.line}.${s.lang === 'js' ? 'js' : 'ts'}`;

test('ts/js snippets type-check against the workspace packages and run to exit 0', async (t) => {
  const dir = snippetDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const code = of('ts', 'js');
  for (const s of code) writeFileSync(join(dir, fileName(s)), s.body);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowJs: true,
        checkJs: true,
        erasableSyntaxOnly: true, // what Node's type stripping runs
        types: ['node'],
      },
      include: ['*.ts', '*.js'],
    }),
  );

  await t.test('tsc', async () => {
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch(
      (err: { stdout: string }) => err,
    );
    // Point each error at the Markdown line it comes from.
    const errors = result.stdout
      .split('\n')
      .filter((line) => line.includes('error TS'))
      .map((line) => {
        const m = /^(\S+?)\((\d+),\d+\): (.*)$/.exec(line);
        const snippet = m && code.find((s) => fileName(s) === m[1]);
        return snippet ? `${snippet.doc}:${snippet.line + Number(m[2])}: ${m[3]}` : line;
      });
    assert.deepEqual(errors, []);
  });

  for (const s of code.filter((c) => !isNoRun(c))) {
    await t.test(`run ${where(s)}`, async () => {
      // No OTEL_* settings of the caller's; temporary files (a snippet's recordings) go where the test removes them.
      const env = {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_'))),
        TMPDIR: dir,
      };
      const result = await run(process.execPath, [fileName(s)], {
        cwd: dir,
        env,
        timeout: RUN_TIMEOUT_MS,
      }).catch((err: { code: unknown; signal: unknown; stdout: string; stderr: string }) => err);
      assert.ok(
        !('code' in result) || result.code === 0,
        `${where(s)} exited ${String((result as { code: unknown }).code)} ${String((result as { signal: unknown }).signal)}\n${result.stdout}\n${result.stderr}`,
      );
    });
  }
});

test('no-run snippets say why', () => {
  for (const s of snippets.filter(isNoRun)) {
    assert.match(s.info, /^no-run — \S/, `${where(s)}: write \`${s.lang} no-run — <reason>\``);
  }
});

const rootScripts = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: object })
  .scripts;
const workspaces = ['packages', 'examples'].flatMap((d) =>
  readdirSync(join(repo, d)).map((name) => {
    const manifest = JSON.parse(readFileSync(join(repo, d, name, 'package.json'), 'utf8')) as {
      name: string;
      bin?: Record<string, string>;
      scripts?: Record<string, string>;
    };
    return { ...manifest, dir: `${d}/${name}` };
  }),
);

/** Problems of one shell command (words after variable assignments). */
function commandProblems(words: string[]): string[] {
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
  const [command, ...args] = words;
  if (command === undefined || command.startsWith('$') || command.startsWith('"$')) return [];
  const problems: string[] = [];
  const fileExists = (path: string): void => {
    if (!existsSync(join(repo, path))) problems.push(`${path} does not exist`);
  };
  if (command.includes('/') && !command.startsWith('~')) fileExists(command);
  if (command === 'npm' && args[0] === 'run' && !(args[1]! in rootScripts)) {
    problems.push(`npm run ${args[1]}: no such script`);
  }
  if (command === 'npm' && args[0] === 'start') {
    const ws = args[args.indexOf('-w') + 1];
    if (!workspaces.some((w) => w.name === ws && w.scripts?.start))
      problems.push(`npm start -w ${ws}: no start`);
  }
  if (command === 'npx' && !workspaces.some((w) => args[0]! in (w.bin ?? {}))) {
    problems.push(`npx ${args[0]}: no workspace bin`);
  }
  if ((command === 'node' || command === 'bash') && args[0] && !args[0].startsWith('-')) {
    const file = args.find((a) => !a.startsWith('-'));
    if (file && file.includes('/')) fileExists(file);
  }
  return problems;
}

test('shell snippets: bash syntax, and the scripts, files and bins they name exist', async () => {
  const problems: string[] = [];
  for (const s of of('sh', 'bash')) {
    await run('bash', ['-n', '-c', s.body]).catch((err: { stderr: string }) =>
      problems.push(`${where(s)}: ${err.stderr}`),
    );
    if (isNoRun(s)) continue;
    const lines = s.body.replace(/\\\n/g, ' ').split('\n');
    for (const [i, line] of lines.entries()) {
      const code = line.replace(/(^|\s)#.*$/, '');
      for (const command of code.split(/&&|\|\||;|\|/)) {
        const words = command.trim().split(/\s+/).filter(Boolean);
        for (const p of commandProblems(words)) problems.push(`${s.doc}:${s.line + 1 + i}: ${p}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('json snippets parse', () => {
  for (const s of of('json')) assert.doesNotThrow(() => JSON.parse(s.body), where(s));
});

test('yaml snippets parse', () => {
  for (const s of of('yaml')) {
    for (const doc of parseAllDocuments(s.body)) {
      assert.deepEqual(
        doc.errors.map((e) => e.message),
        [],
        where(s),
      );
    }
  }
});

/** The expressions of a promql fence (see the convention at the top). */
function promqlExpressions(body: string): string[] {
  const expressions: string[] = [];
  let current = '';
  const lines = body.split('\n').map((l) => l.replace(/#.*$/, '').trim());
  const endsWithOperator = /(\/|\*|-|\+|%|\^|\band|\bor|\bunless|==|!=|>=?|<=?)$/;
  const startsWithOperator = /^(\/|\*|-|\+|%|\^|and\b|or\b|unless\b|==|!=|>|<)/;
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    current = current ? `${current}\n${line}` : line;
    const depth = [...current].reduce((d, c) => d + (c === '(' ? 1 : c === ')' ? -1 : 0), 0);
    const next = lines.slice(i + 1).find((l) => l !== '') ?? '';
    if (depth > 0 || endsWithOperator.test(line) || startsWithOperator.test(next)) continue;
    expressions.push(current);
    current = '';
  }
  if (current) expressions.push(current);
  return expressions;
}

test('promql snippets pass the mixin checkExpression', () => {
  const recorded = { ...RECORDED_LABELS, ...dashboardRecordedLabels(defaultConfig) };
  const problems: string[] = [];
  for (const s of of('promql')) {
    for (const expr of promqlExpressions(s.body)) {
      for (const p of checkExpression(expr, { recorded })) problems.push(`${where(s)}: ${expr}: ${p}`);
    }
  }
  assert.ok(of('promql').length >= 5, 'the runbooks have PromQL');
  assert.deepEqual(problems, []);
});
