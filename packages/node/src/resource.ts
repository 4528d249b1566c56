import { hostname } from 'node:os';
import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';

/**
 * The process's resource: SDK defaults, then OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME, then explicit
 * options. `service.instance.id` defaults to `<host>:<pid>`: the Collector turns it into the `instance`
 * label, so every process needs its own or their series collide.
 */
export function buildResource(serviceName: string | undefined, attributes: Attributes = {}): Resource {
  let resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.instance.id': `${hostname()}:${process.pid}` }))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes(attributes));
  if (serviceName) resource = resource.merge(resourceFromAttributes({ 'service.name': serviceName }));
  return resource;
}
