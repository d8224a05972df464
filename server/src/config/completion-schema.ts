/**
 * The part of a kind's JSON schema that describes a JSON path, for completion and hover.
 * The schemas are plain draft-07 trees without `$ref`, so a path walks `properties`, `items` and
 * `additionalProperties`.
 */
import { SCHEMAS } from './schema';
import { isNativeKind, type ConfigKind } from './kind';
import { FRAMEWORK_SCHEMAS } from './frameworks/schemas';
import type { JsonPath } from './model';

export interface SchemaNode {
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  enum?: unknown[];
  markdownEnumDescriptions?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  examples?: unknown[];
  default?: unknown;
}

export function rootSchema(kind: ConfigKind): SchemaNode {
  if (isNativeKind(kind)) return SCHEMAS[kind] as SchemaNode;
  return (FRAMEWORK_SCHEMAS[kind] as SchemaNode | undefined) ?? {};
}

/** The schema of the value at `path`, or undefined where the schema says nothing. */
export function schemaAt(kind: ConfigKind, path: JsonPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = rootSchema(kind);
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = node.items;
    else node = node.properties?.[seg] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
  }
  return node;
}

export function typesOf(schema: SchemaNode): string[] {
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** Markdown: the description, then the allowed values with what each means. */
export function describeSchema(schema: SchemaNode): string {
  const parts: string[] = [];
  const text = schema.markdownDescription ?? schema.description;
  if (text) parts.push(text);
  if (schema.enum?.length) {
    const lines = schema.enum.map((v, i) => {
      const d = schema.markdownEnumDescriptions?.[i];
      return `- \`${String(v)}\`${d ? `: ${d}` : ''}`;
    });
    parts.push(`Allowed values:\n\n${lines.join('\n')}`);
  }
  if (schema.examples?.length && !schema.enum) {
    const ex = schema.examples[0];
    if (typeof ex !== 'object') parts.push(`Example: \`${String(ex)}\``);
  }
  return parts.join('\n\n');
}
