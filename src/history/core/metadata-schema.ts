import { z } from 'zod';
import { jsonDepthExceeds } from './json-depth.js';
import { FIXED_LIMITS as F, type Limits, utf8Bytes } from './limits.js';

/** The metadata object accepted on conversations and messages, within the configured limits. */
export function metadataSchema(limits: Limits) {
  // Every issue aborts (continue: false): the checks of the enclosing message and batch then
  // do not run, and they serialize metadata, which for hostile nesting overflows the stack.
  const fail = (ctx: z.RefinementCtx, message: string) => ctx.addIssue({ code: 'custom', message, continue: false });
  const record = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const keys = Object.keys(value).length;
    if (keys > limits.maxMetadataKeys) {
      return fail(
        ctx,
        `metadata has ${keys} keys; the limit is ${limits.maxMetadataKeys} (server option --max-metadata-keys)`,
      );
    }
    if (jsonDepthExceeds(value, F.metadataDepth))
      return fail(ctx, `metadata is nested deeper than ${F.metadataDepth} levels`);
    const json = JSON.stringify(value);
    if (!json.isWellFormed()) return fail(ctx, 'metadata must be valid Unicode (found a lone surrogate)');
    if (utf8Bytes(json) > limits.maxMetadataBytes) {
      fail(
        ctx,
        `metadata is over the limit of ${limits.maxMetadataBytes} bytes as JSON (server option --max-metadata-bytes)`,
      );
    }
  });
  return z
    .preprocess((raw, ctx) => {
      // zod's record drops an own "__proto__" key without a word (so that it cannot set the
      // prototype); refuse it rather than lose what the agent stored.
      if (raw !== null && typeof raw === 'object' && Object.hasOwn(raw, '__proto__')) {
        ctx.addIssue({
          code: 'custom',
          message: 'metadata must not have a "__proto__" key (rename it)',
          continue: false,
        });
      }
      return raw;
    }, record)
    .describe('Any JSON object; returned unchanged.');
}
