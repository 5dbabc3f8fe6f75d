import type { Schema } from './published-schema.js';

/**
 * A published input schema in the form OpenAI's strict mode (Structured Outputs) takes, where
 * one exists without changing what a call means.
 *
 * Strict mode wants every object closed (`additionalProperties: false`) and every field
 * required, an optional one written as "value or null" — so a strict model sends null for
 * each option it does not use. This server does not read null as "absent" (for
 * update_conversation and import_conversation null already means "clear" / "none"), and a
 * free-form object (metadata) closed to no properties could only ever be `{}`. So a tool with
 * an optional field or a free-form object has no strict form: it is sent without `strict`.
 *
 * minLength / maxLength are dropped: strict mode does not list them as supported, and the
 * server enforces them anyway.
 */
export function openAiStrictSchema(schema: Schema): { schema: Schema } | { blocker: string } {
  const blocker = strictBlocker(schema, '$');
  return blocker === null ? { schema: strictNode(schema) } : { blocker };
}

function strictBlocker(node: Schema, path: string): string | null {
  if (node.type === 'object') {
    const props = isSchema(node.properties) ? node.properties : {};
    if (Object.keys(props).length === 0) return `${path} is a free-form object`;
    const required = new Set(Array.isArray(node.required) ? (node.required as unknown[]) : []);
    const optional = Object.keys(props).filter((name) => !required.has(name));
    if (optional.length > 0) return `${path} has optional fields (${optional.join(', ')})`;
  }
  for (const [name, child] of children(node)) {
    const found = strictBlocker(child, `${path}${name}`);
    if (found !== null) return found;
  }
  return null;
}

function strictNode(node: Schema): Schema {
  const { minLength: _min, maxLength: _max, nullable, ...rest } = node;
  const out: Schema = { ...rest };
  if (nullable === true && typeof rest.type === 'string') out.type = [rest.type, 'null'];
  if (isSchema(rest.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(rest.properties).map(([name, child]) => [name, isSchema(child) ? strictNode(child) : child]),
    );
  }
  if (isSchema(rest.items)) out.items = strictNode(rest.items);
  if (Array.isArray(rest.anyOf)) out.anyOf = rest.anyOf.map((b) => (isSchema(b) ? strictNode(b) : b));
  if (rest.type === 'object') out.additionalProperties = false;
  return out;
}

/** The schema nodes directly below one: properties, items, anyOf branches (with a path suffix). */
function children(node: Schema): [string, Schema][] {
  const out: [string, Schema][] = [];
  if (isSchema(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) if (isSchema(child)) out.push([`.${name}`, child]);
  }
  if (isSchema(node.items)) out.push(['[]', node.items]);
  if (Array.isArray(node.anyOf)) {
    node.anyOf.forEach((branch, i) => {
      if (isSchema(branch)) out.push([`|anyOf[${i}]`, branch]);
    });
  }
  return out;
}

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
