/**
 * What tools/list publishes, made from the JSON Schema the SDK derives from each tool's zod
 * schemas. Validation is unchanged: the SDK checks arguments against the zod schema itself
 * (strict objects, every bound), and results against the zod output schema; what changes is
 * only what a client reads and forwards to its model.
 *
 * - Input schemas are made portable: many clients forward them unchanged as an Anthropic
 *   `input_schema`, an OpenAI function's `parameters` or a Gemini function declaration's
 *   `parameters` (an OpenAPI 3.0 subset that refuses every keyword it does not know). The
 *   rules, with sources, are in test/support/provider-schemas.ts.
 * - Output schemas are made compact: the type (and enum) of every field, and nothing else — no
 *   descriptions, no `required` lists, no closed-object markers. The server checks every result
 *   against the full zod schema before sending it, and docs/tools.md documents each field; what
 *   is left tells a client the shape, in about half the bytes (tools/list stays under 20 KB).
 */

import { isSchema, rewriteSchema, type Schema } from './schema-walk.js';

/** What zod adds to every z.int() when no bound is given: noise to a reader, 58 times. */
const SAFE_INTEGER_BOUNDS: Readonly<Record<string, number>> = {
  minimum: Number.MIN_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
};

/**
 * Keywords no client needs: `$schema` (Gemini refuses it), `propertyNames` (JSON keys are
 * strings anyway) and `additionalProperties` (Gemini's API refuses it; the server refuses
 * unknown fields regardless, with an error naming them).
 */
const DROPPED = new Set(['$schema', 'propertyNames', 'additionalProperties']);

/** A tool of tools/list as the SDK lists it (the fields this module reads). */
export interface ListedTool {
  name: string;
  inputSchema: Schema;
  outputSchema?: Schema;
  execution?: { taskSupport?: string };
  [field: string]: unknown;
}

/**
 * A listed tool as published: portable input schema, compact output schema, and without
 * `execution: { taskSupport: "forbidden" }`, which the SDK adds to every tool and which is what
 * the protocol assumes when it is absent.
 */
export function publishedTool({ execution, ...tool }: ListedTool): ListedTool {
  return {
    ...tool,
    ...(execution !== undefined && execution.taskSupport !== 'forbidden' && { execution }),
    inputSchema: portableInputSchema(tool.inputSchema),
    ...(tool.outputSchema !== undefined && { outputSchema: compactOutputSchema(tool.outputSchema) }),
  };
}

/** An input schema in the subset Anthropic, OpenAI and Gemini all accept. */
export function portableInputSchema(schema: Schema): Schema {
  return rewriteSchema(schema, portableNode);
}

/** An output schema without descriptions, required lists, implied bounds or closed-object markers. */
export function compactOutputSchema(schema: Schema): Schema {
  return rewriteSchema(schema, compactNode);
}

/**
 * One node, portable: `const` becomes a one-value `enum`; "T or null" (`type: [T, "null"]` or
 * `anyOf: [T, {type: "null"}]`) becomes `type: T, nullable: true`, the OpenAPI form Gemini
 * requires and JSON Schema readers ignore (the field's description says what null means).
 */
function portableNode(node: Schema): Schema {
  const out = withoutNoise(node);
  if ('const' in out) {
    const { const: value, ...rest } = out;
    return { ...rest, enum: [value] };
  }
  const nullable = orNull(out);
  return nullable === undefined ? out : { ...nullable, nullable: true };
}

/** One node, compact: no description or required list; "T or null" as `type: [T, "null"]`. */
function compactNode(node: Schema): Schema {
  const { description: _description, required: _required, ...out } = withoutNoise(node);
  const nullable = orNull(out);
  if (nullable === undefined || typeof nullable.type !== 'string' || 'const' in nullable) return out;
  const values = Array.isArray(nullable.enum) ? { enum: [...nullable.enum, null] } : {};
  return { ...nullable, type: [nullable.type, 'null'], ...values };
}

function withoutNoise(node: Schema): Schema {
  return Object.fromEntries(
    Object.entries(node).filter(([keyword, value]) => !DROPPED.has(keyword) && SAFE_INTEGER_BOUNDS[keyword] !== value),
  );
}

/** For "T or null", the node as T alone (its other keywords kept); undefined otherwise. */
function orNull(node: Schema): Schema | undefined {
  const { type, anyOf, ...rest } = node;
  if (Array.isArray(type) && type.length === 2 && type.includes('null')) {
    return { ...rest, type: type.find((t) => t !== 'null') };
  }
  if (Array.isArray(anyOf) && anyOf.length === 2 && type === undefined) {
    const nonNull = anyOf.filter(
      (branch) => !(isSchema(branch) && branch.type === 'null' && Object.keys(branch).length === 1),
    );
    if (nonNull.length === 1 && isSchema(nonNull[0]) && nonNull[0].anyOf === undefined) {
      // The branch's own description (e.g. the shared one of metadata) yields to the field's.
      return { ...nonNull[0], ...rest };
    }
  }
  return undefined;
}
