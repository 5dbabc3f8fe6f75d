import { isSchema, rewriteSchema, type Schema, schemaNodes } from './schema-walk.js';

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
  const blocker = strictBlocker(schema);
  return blocker === null ? { schema: rewriteSchema(schema, strictNode) } : { blocker };
}

/** Why the schema has no strict form that keeps its meaning, or null when it has one. */
function strictBlocker(schema: Schema): string | null {
  for (const [path, node] of schemaNodes(schema)) {
    if (node.type !== 'object') continue;
    const props = Object.keys(isSchema(node.properties) ? node.properties : {});
    if (props.length === 0) return `${path} is a free-form object`;
    const required = new Set(Array.isArray(node.required) ? (node.required as unknown[]) : []);
    const optional = props.filter((name) => !required.has(name));
    if (optional.length > 0) return `${path} has optional fields (${optional.join(', ')})`;
  }
  return null;
}

/** One node in strict form: closed if an object, no string lengths, "or null" as a type array. */
function strictNode(node: Schema): Schema {
  const { minLength: _min, maxLength: _max, nullable, ...out } = node;
  if (nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (out.type === 'object') out.additionalProperties = false;
  return out;
}
