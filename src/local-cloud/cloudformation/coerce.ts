// Template values arrive as YAML or parameters give them, often strings ("60", "true"); CloudFormation
// converts each property to its type in the resource specification before calling the service.
import type { ValueType } from '../../template/spec.js';
import { resourceSpecification } from '../../template/spec.js';

function coerceValue(type: ValueType, value: unknown): unknown {
  switch (type.kind) {
    case 'integer':
    case 'number':
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? Number(value)
        : value;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'list':
      return Array.isArray(value) ? value.map((item) => coerceValue(type.element, item)) : value;
    case 'map':
      return isRecord(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, coerceValue(type.element, v)]))
        : value;
    case 'object': {
      if (!isRecord(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          const property = type.properties.get(k);
          return [k, property ? coerceValue(property.type, v) : v];
        }),
      );
    }
    default:
      return value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The properties with each value converted to its type in the specification (unknown ones untouched). */
export function coerceProperties(type: string, properties: Record<string, unknown>): Record<string, unknown> {
  const spec = resourceSpecification().resourceType(type);
  if (!spec) return properties;
  return Object.fromEntries(
    Object.entries(properties).map(([k, v]) => {
      const property = spec.properties.get(k);
      return [k, property ? coerceValue(property.type, v) : v];
    }),
  );
}
