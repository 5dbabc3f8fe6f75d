import { z } from 'zod';

/**
 * An owner name: the isolation scope of every conversation. One rule for every place an
 * owner comes from (--owner, a token, the X-Chat-History-Owner header), so that the same
 * person is never two owners because one entry point trimmed and another did not.
 */
export const ownerSchema = z.string().trim().min(1).max(200);
