import { stringify } from 'yaml';
import type { MixinConfig } from '../config.js';
import { GENERATED_HEADER, type GeneratedFile } from '../generated-file.js';
import { inhibitRules } from './inhibit.js';
import { globalSettings, receivers } from './receivers.js';
import { MAINTENANCE, routeTree } from './routes.js';
import { templateFile } from './templates.js';

export { RECEIVER } from './receivers.js';
export { MAINTENANCE } from './routes.js';

/** Alertmanager config and notification templates (deploy/alertmanager/). */
export function alertmanagerFiles(config: MixinConfig): GeneratedFile[] {
  const am = config.alertmanager;
  const document = {
    global: globalSettings(config),
    // Relative to this file: the compose stack mounts deploy/alertmanager as /etc/alertmanager.
    templates: ['templates/*.tmpl'],
    route: routeTree(config),
    inhibit_rules: inhibitRules(config),
    ...(am.maintenanceWindow.length
      ? { time_intervals: [{ name: MAINTENANCE, time_intervals: am.maintenanceWindow }] }
      : {}),
    receivers: receivers(config),
  };
  return [
    {
      path: 'alertmanager/alertmanager.yml',
      content: `# ${GENERATED_HEADER}\n${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1', singleQuote: true })}`,
    },
    templateFile('alertmanager/templates/flux.tmpl'),
  ];
}
