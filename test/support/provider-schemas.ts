import { Ajv2020 } from 'ajv/dist/2020.js';
import { isSchema, type Schema, schemaNodes } from '../../src/mcp/schema-walk.js';

export type { Schema };

/**
 * What each model provider accepts as a tool's parameter schema, as documented (checked in
 * November 2026; sources quoted per rule). Clients and hand-written agents forward an MCP
 * tool's inputSchema unchanged as one of these, so every published input schema must pass all
 * three non-strict rule sets. Each check returns problems as "path: what", empty when accepted.
 */

type Problems = string[];

const draft2020 = new Ajv2020({ strict: false });

/** A valid JSON Schema (draft 2020-12) whose root is a plain object schema. */
function rootAndMetaSchema(schema: Schema, forbiddenAtRoot: string[]): Problems {
  const problems: Problems = [];
  if (schema.type !== 'object') problems.push('$: type must be "object"');
  for (const keyword of forbiddenAtRoot)
    if (keyword in schema) problems.push(`$: ${keyword} is not allowed at the root`);
  if (!draft2020.validateSchema(schema)) problems.push(`$: not valid JSON Schema 2020-12: ${draft2020.errorsText()}`);
  return problems;
}

/**
 * Anthropic Messages API, `tools[].input_schema`.
 * - platform.claude.com/docs/en/agents-and-tools/tool-use/define-tools: "input_schema | A JSON
 *   Schema object defining the expected parameters for the tool."
 * - Refusals seen: "JSON schema is invalid. It must match JSON Schema draft 2020-12"
 *   (anthropics/claude-code#7365); "input_schema does not support oneOf, allOf, or anyOf at the
 *   top level" (anthropics/claude-code#5319).
 */
export function anthropicProblems(schema: Schema): Problems {
  return rootAndMetaSchema(schema, ['oneOf', 'anyOf', 'allOf']);
}

/**
 * OpenAI function calling, `parameters` without `strict`.
 * - Refusal seen: "schema must have type 'object' and not have 'oneOf'/'anyOf'/'allOf'/'enum'/
 *   'not' at the top level" (langchain-ai/langchainjs#9804; newer variants also list 'const').
 * - The schema is checked against the meta-schema: "[] is not of type 'object', 'boolean'"
 *   (FoundationAgents/OpenManus#1162).
 */
export function openAiProblems(schema: Schema): Problems {
  return rootAndMetaSchema(schema, ['oneOf', 'anyOf', 'allOf', 'enum', 'const', 'not']);
}

/**
 * Gemini API `functionDeclarations[].parameters`: "a select subset of the OpenAPI schema
 * format" (ai.google.dev/gemini-api/docs/function-calling). Its `Schema` has exactly these
 * fields (Gemini API v1beta Schema reference); any other key fails the whole request with
 * 'Invalid JSON payload received. Unknown name "<key>" … Cannot find field.' (seen for
 * additionalProperties, $schema, const, propertyNames, exclusiveMinimum …).
 */
const GEMINI_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'anyOf',
  'propertyOrdering',
  'default',
  'example',
]);
const GEMINI_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);

/**
 * The Gemini rules, node by node. Beyond the field list, refusals seen in public issues:
 * "…items: missing field." (an array without items); "…enum: only allowed for STRING type";
 * "…properties: only allowed for OBJECT type"; "schema didn't specify the schema type field";
 * 'Proto field is not repeating, cannot start list' (a type array); "should be non-empty for
 * OBJECT type" (an object without properties). Null is `nullable: true`, never a "null" type.
 *
 * `freeForm` lists paths of objects with no declared properties that are free-form on purpose
 * (metadata): the last rule refuses them in `parameters`, and no schema can say "any object"
 * there; callers document them instead.
 */
export function geminiProblems(schema: Schema, freeForm: ReadonlySet<string> = new Set()): Problems {
  const problems: Problems = [];
  if (schema.type !== 'object') problems.push('$: type must be "object"');
  for (const [path, node] of schemaNodes(schema)) {
    for (const key of Object.keys(node)) if (!GEMINI_FIELDS.has(key)) problems.push(`${path}: unknown field ${key}`);
    const pureAnyOf = Array.isArray(node.anyOf) && node.type === undefined;
    if (!pureAnyOf && typeof node.type !== 'string') problems.push(`${path}: type must be one string`);
    if (typeof node.type === 'string' && !GEMINI_TYPES.has(node.type)) problems.push(`${path}: type ${node.type}`);
    if (node.type === 'array' && !isSchema(node.items)) problems.push(`${path}: array without items`);
    if (node.type !== 'object' && ('properties' in node || 'required' in node))
      problems.push(`${path}: properties/required only allowed for object`);
    if ('enum' in node && (node.type !== 'string' || !(node.enum as unknown[]).every((v) => typeof v === 'string')))
      problems.push(`${path}: enum only allowed for string values`);
    if (Array.isArray(node.required)) {
      const declared = Object.keys(isSchema(node.properties) ? node.properties : {});
      for (const name of node.required as string[])
        if (!declared.includes(name)) problems.push(`${path}: required ${name} is not a property`);
    }
    if (pureAnyOf && 'default' in node) problems.push(`${path}: default beside anyOf`);
    const empty = !isSchema(node.properties) || Object.keys(node.properties).length === 0;
    // The root of a tool without arguments is fine: its declaration omits `parameters`
    // (src/mcp/tool-definitions.ts), as Gemini's function declarations allow.
    const argumentless = path === '$';
    if (node.type === 'object' && empty && !argumentless && !freeForm.has(path))
      problems.push(`${path}: object without properties`);
  }
  return problems;
}

/**
 * OpenAI strict mode (Structured Outputs; developers.openai.com/api/docs/guides/function-calling
 * and …/structured-outputs#supported-schemas): "`additionalProperties` must be set to `false`
 * for each object in the `parameters`", "All fields in `properties` must be marked as
 * `required`"; supported: string `pattern`, `format`; number `multipleOf`, `minimum`,
 * `maximum` (and exclusive forms); array `minItems`, `maxItems`; `enum`, `const`, `anyOf`,
 * `$ref`/`$defs`. `minLength`/`maxLength` are not in the supported list, so they count as refused.
 */
const STRICT_FIELDS = new Set([
  'type',
  'description',
  'title',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
  '$ref',
  '$defs',
  'pattern',
  'format',
  'multipleOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
]);

export function openAiStrictProblems(schema: Schema): Problems {
  const problems: Problems = [];
  if (schema.type !== 'object' || 'anyOf' in schema) problems.push('$: root must be an object, not anyOf');
  for (const [path, node] of schemaNodes(schema)) {
    for (const key of Object.keys(node)) if (!STRICT_FIELDS.has(key)) problems.push(`${path}: unsupported ${key}`);
    if (node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'))) {
      if (node.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
      const props = Object.keys(isSchema(node.properties) ? node.properties : {});
      const required = Array.isArray(node.required) ? (node.required as string[]) : [];
      if (props.some((p) => !required.includes(p))) problems.push(`${path}: every property must be required`);
    }
  }
  return problems;
}
