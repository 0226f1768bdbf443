import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/record-audit.js';
import { hashToken, newToken, verifyPassword } from './secrets.js';
import { grantScopes } from './scopes.js';

export const ACCESS_TOKEN_SECONDS = 3600;

interface TokenForm {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply.status(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

function clientCredentials(request: FastifyRequest, form: TokenForm): { clientId?: string; clientSecret?: string } {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
    }
  }
  return { clientId: form.client_id, clientSecret: form.client_secret };
}

/**
 * OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for system clients, with SMART Backend
 * Services style system scopes. Errors follow RFC 6749 §5.2, not the app's error shape.
 */
export async function oauthRoutes(app: FastifyInstance): Promise<void> {
  app.post('/oauth2/token', { config: { policy: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } } }, async (request, reply) => {
    const form = (typeof request.body === 'object' && request.body ? request.body : {}) as TokenForm;
    if (form.grant_type !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
    }
    const { clientId, clientSecret } = clientCredentials(request, form);
    const context = { actor: null, organizationId: null, clientAddress: request.ip, requestId: String(request.id) };
    if (!clientId || !clientSecret) return oauthError(reply, 401, 'invalid_client', 'Client id and secret are required.');
    const client = await app.db.selectFrom('oauthClients').selectAll().where('clientId', '=', clientId).executeTakeFirst();
    if (!client || !client.isActive || !(await verifyPassword(client.secretHash, clientSecret))) {
      await recordAudit(app.db, { ...context, organizationId: client?.organizationId ?? null }, { action: 'token-refused', outcome: 'failure', reason: 'client authentication failed', details: { clientId } });
      reply.header('www-authenticate', 'Basic realm="medassist"');
      return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
    }
    const granted = grantScopes(form.scope, client.allowedScopes);
    if (!granted.ok) return oauthError(reply, 400, 'invalid_scope', granted.problem);
    const token = newToken();
    const actor = { kind: 'client' as const, id: client.id, organizationId: client.organizationId, name: client.name, roles: client.roles, scopes: granted.scopes };
    await app.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('accessTokens')
        .values({
          tokenHash: hashToken(token),
          organizationId: client.organizationId,
          oauthClientId: client.id,
          scopes: granted.scopes,
          expiresAt: new Date(Date.now() + ACCESS_TOKEN_SECONDS * 1000),
        })
        .execute();
      await recordAudit(trx, { ...context, actor, organizationId: client.organizationId }, { action: 'token-issued', details: { scopes: granted.scopes } });
    });
    return reply
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send({ access_token: token, token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS, scope: granted.scopes.join(' ') });
  });
}
