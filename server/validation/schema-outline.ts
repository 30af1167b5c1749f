import { loadSchemaFile } from '../support/schema-files.js';

interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  required?: string[];
}

/** Fields in document order and which of them are mandatory, read off the request schemas. */
export interface SchemaOutline {
  order: Map<string, number>;
  required: Set<string>;
  /** The keys the schemas look at under each path (`''` is the body, `order.item.*` an item). */
  children: Map<string, Set<string>>;
}

function resolve(ref: string): SchemaNode {
  const [file, pointer] = ref.split('#');
  let node = loadSchemaFile(file!) as Record<string, unknown>;
  for (const part of (pointer ?? '').split('/').filter(Boolean)) node = node[part] as Record<string, unknown>;
  return node as SchemaNode;
}

function walk(node: SchemaNode, path: string, outline: SchemaOutline): void {
  if (node.$ref) walk(resolve(node.$ref), path, outline);
  for (const sub of node.allOf ?? []) walk(sub, path, outline);
  const prefix = path ? `${path}.` : '';
  const children = outline.children.get(path) ?? new Set<string>();
  outline.children.set(path, children);
  for (const name of [...(node.required ?? []), ...Object.keys(node.properties ?? {})]) children.add(name);
  for (const name of node.required ?? []) outline.required.add(prefix + name);
  for (const [name, sub] of Object.entries(node.properties ?? {})) {
    if (!outline.order.has(prefix + name)) outline.order.set(prefix + name, outline.order.size);
    walk(sub, prefix + name, outline);
  }
  if (node.items) walk(node.items, `${prefix}*`, outline);
}

/** The outline of a request schema file plus the given channel rule files, in that order. */
export function outlineOf(rootFile: string, ruleFiles: string[]): SchemaOutline {
  const outline: SchemaOutline = { order: new Map(), required: new Set(), children: new Map() };
  walk({ $ref: rootFile }, '', outline);
  for (const file of ruleFiles) walk({ $ref: `channels/${file}` }, '', outline);
  return outline;
}
