/**
 * SMART system scopes: `system/<ResourceType|*>.<permissions>` where permissions are the v1
 * words `read`, `write`, `*`, or a v2 subset of `cruds` in that order (e.g. `rs`, `cruds`).
 */
const scopePattern = /^system\/([A-Z][A-Za-z]*|\*)\.(read|write|\*|c?r?u?d?s?)$/;

export interface ParsedScope {
  resourceType: string;
  /** Letters of c r u d s this scope grants. */
  permissions: Set<string>;
}

export function parseScope(scope: string): ParsedScope | null {
  const match = scopePattern.exec(scope);
  if (!match || match[2] === '') return null;
  const word = match[2]!;
  const letters = word === 'read' ? 'rs' : word === 'write' ? 'cud' : word === '*' ? 'cruds' : word;
  return { resourceType: match[1]!, permissions: new Set(letters) };
}

/** Whether a granted scope set covers one interaction (`c`, `r`, `u`, `d` or `s`) on a resource type. */
export function scopesAllow(scopes: readonly string[], resourceType: string, permission: 'c' | 'r' | 'u' | 'd' | 's'): boolean {
  return scopes.some((scope) => {
    const parsed = parseScope(scope);
    return !!parsed && (parsed.resourceType === '*' || parsed.resourceType === resourceType) && parsed.permissions.has(permission);
  });
}

function covers(allowed: ParsedScope, requested: ParsedScope): boolean {
  return (allowed.resourceType === '*' || allowed.resourceType === requested.resourceType) &&
    [...requested.permissions].every((letter) => allowed.permissions.has(letter));
}

/** The scopes to grant: what was asked for (or everything allowed when nothing was asked), if the client may have it. */
export function grantScopes(requested: string | undefined, allowed: readonly string[]): { ok: true; scopes: string[] } | { ok: false; problem: string } {
  const asked = (requested ?? '').split(/\s+/).filter(Boolean);
  if (asked.length === 0) return { ok: true, scopes: [...allowed] };
  const allowedParsed = allowed.map(parseScope).filter((scope): scope is ParsedScope => scope !== null);
  for (const scope of asked) {
    const parsed = parseScope(scope);
    if (!parsed) return { ok: false, problem: `Scope ${scope} is not a system scope this server understands.` };
    if (!allowedParsed.some((candidate) => covers(candidate, parsed))) return { ok: false, problem: `Scope ${scope} is not allowed for this client.` };
  }
  return { ok: true, scopes: asked };
}
