#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { slothRuleFile } from './index.js';
import { validateSlothSpec, type SlothSpec } from './sloth-spec.js';

const usage = `Usage: flux-slo -i spec.yml [-i more.yml] [-o rules.yml] [--period-days 30] [--runbook-base-url URL]
Generates Prometheus SLO rules (Sloth names and labels, multi-window multi-burn-rate alerts) from Sloth
prometheus/v1 spec files; a file may hold several specs separated by ---. Writes to stdout without -o.`;

function main(): number {
  const { values } = parseArgs({
    options: {
      input: { type: 'string', short: 'i', multiple: true },
      out: { type: 'string', short: 'o' },
      'period-days': { type: 'string', default: '30' },
      'runbook-base-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (!values.input?.length) throw new Error('no spec file given (-i spec.yml)');
  const periodDays = Number(values['period-days']);
  if (!Number.isInteger(periodDays) || periodDays < 1)
    throw new Error('--period-days: expected a whole number of days');
  const specs = values.input.flatMap(readSpecs);
  const { content } = slothRuleFile(specs, periodDays, values['runbook-base-url']);
  if (values.out) writeFileSync(values.out, content);
  else process.stdout.write(content);
  return 0;
}

function readSpecs(path: string): SlothSpec[] {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  return documents.map((doc, i) => {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    return validateSlothSpec(doc.toJS(), documents.length > 1 ? `${path} (document ${i + 1})` : path);
  });
}

try {
  process.exit(main());
} catch (err) {
  console.error(`flux-slo: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
  process.exit(2);
}
