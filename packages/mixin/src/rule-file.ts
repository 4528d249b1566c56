import { stringify } from 'yaml';
import { GENERATED_HEADER, type GeneratedFile } from './generated-file.js';

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly keep_firing_for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** A Prometheus rule file (`groups:`) as YAML with the generated-file header. */
export function ruleFile(path: string, groups: readonly RuleGroup[]): GeneratedFile {
  const body = stringify({ groups }, { lineWidth: 0 });
  return { path, content: `# ${GENERATED_HEADER}\n${body}` };
}
