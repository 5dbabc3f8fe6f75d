/**
 * Walking a JSON Schema as tools publish it: the schema nodes are the root, each of
 * `properties`, `items` and each `anyOf` branch (never a property's name, so a field called
 * `type` or `format` is a name, not a keyword). published-schema.ts and openai-strict.ts
 * rewrite schemas with it; the provider-rule tests check them node by node.
 */

export type Schema = { [keyword: string]: unknown };

export function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every schema node with its path: `$`, `$.field`, `$.list[]`, `$.field|anyOf[0]`. */
export function schemaNodes(schema: Schema, path = '$'): [string, Schema][] {
  const out: [string, Schema][] = [[path, schema]];
  if (isSchema(schema.properties)) {
    for (const [name, child] of Object.entries(schema.properties))
      if (isSchema(child)) out.push(...schemaNodes(child, `${path}.${name}`));
  }
  if (isSchema(schema.items)) out.push(...schemaNodes(schema.items, `${path}[]`));
  if (Array.isArray(schema.anyOf)) {
    schema.anyOf.forEach((branch, i) => {
      if (isSchema(branch)) out.push(...schemaNodes(branch, `${path}|anyOf[${i}]`));
    });
  }
  return out;
}

/** A copy with every schema node rewritten by `rewriteNode`, children first. */
export function rewriteSchema(node: Schema, rewriteNode: (node: Schema) => Schema): Schema {
  const out: Schema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === 'properties' && isSchema(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [
          name,
          isSchema(child) ? rewriteSchema(child, rewriteNode) : child,
        ]),
      );
    } else if (keyword === 'items' && isSchema(value)) {
      out.items = rewriteSchema(value, rewriteNode);
    } else if (keyword === 'anyOf' && Array.isArray(value)) {
      out.anyOf = value.map((branch) => (isSchema(branch) ? rewriteSchema(branch, rewriteNode) : branch));
    } else {
      out[keyword] = value;
    }
  }
  return rewriteNode(out);
}
