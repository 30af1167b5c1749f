import { loadSchemaFile } from '../support/schema-files.js';

const overrides = (loadSchemaFile('labels.json') as { labels: Record<string, string> }).labels;

/** `order.item.3.category` → `order.item.*.category`: the key a field has in the schemas. */
export function canonicalPath(field: string): string {
  return field.replace(/(^|\.)\d+(?=\.|$)/g, '$1*');
}

/**
 * The field's name as the gateway writes it in messages: the path as sent, its last segment's
 * camelCase split into lower-case words (`customer.mobile phone`), unless `schemas/labels.json` says otherwise.
 */
export function labelOf(field: string): string {
  const override = overrides[canonicalPath(field)];
  if (override) return override;
  const segments = field.split('.');
  const last = segments.pop() ?? '';
  segments.push(last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());
  return segments.join('.');
}
