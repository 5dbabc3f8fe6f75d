/**
 * Who made a write, as the audit trail records it. Never a secret: a token is named by its
 * public id and name, never by its value.
 * - local: the stdio server's one user; name = the MCP client's name/version from initialize
 * - token: an HTTP bearer token acting for its own owner
 * - service: a service token acting for the owner named in X-Chat-History-Owner
 * - cli: a command run by the operator (import, token, owner, purge)
 * - sweep: the server's own retention sweep
 */
export type ActorKind = 'local' | 'token' | 'service' | 'cli' | 'sweep';

export interface Actor {
  kind: ActorKind;
  /** The token's public id (token, service). */
  id?: string;
  /** The token's name, or the client's name/version. */
  name?: string;
}

export const CLI_ACTOR: Actor = { kind: 'cli' };
export const SWEEP_ACTOR: Actor = { kind: 'sweep' };
