import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { fuzzystrmatch } from '@electric-sql/pglite/contrib/fuzzystrmatch';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect, PostgresQueryCompiler, type PluginTransformQueryArgs, type RootOperationNode } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './schema.js';

export type Engine = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** For PostgreSQL only: a dedicated client for LISTEN/NOTIFY fan-out. */
  pool: pg.Pool | undefined;
  /**
   * Calls `onNotify` for every NOTIFY on `channel` (delivered at commit). On PostgreSQL a dedicated
   * connection that reconnects by itself, calling `onReconnect` so the caller can catch up on what
   * it missed; on PGlite the instance's own listener. Resolves once listening; returns the stop function.
   */
  listen(channel: string, onNotify: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export const pgliteExtensions = { pg_trgm, fuzzystrmatch, btree_gist };

const OID = { int8: 20, date: 1082, numeric: 1700 } as const;

// Both engines must hand the code the same JavaScript values: a calendar date stays a
// 'YYYY-MM-DD' string (no time-zone shift), bigint counts become numbers.
const pgliteParsers = {
  [OID.date]: (value: string) => value,
  [OID.int8]: (value: string) => Number(value),
};

function pgTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === OID.date) return (value: string) => value;
  if (oid === OID.int8) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as 'text');
}

// Each pooled connection keeps at most this many statements prepared; the hot ones come first, and
// a connection idle for 10 s is closed by the pool, so what it prepared is freed with it.
const MAX_PREPARED_PER_CONNECTION = 200;

/**
 * A pool client that sends each distinct statement (with parameters) as a named prepared statement,
 * so PostgreSQL parses it once per connection and can reuse its plan, instead of parsing and
 * planning the same SQL on every request. Kysely sends `query(text, values)`; other calls pass through.
 */
class PreparingClient extends pg.Client {
  private readonly names = new Map<string, string>();

  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      let name = this.names.get(text);
      if (!name && this.names.size < MAX_PREPARED_PER_CONNECTION) {
        name = `medassist_${createHash('sha1').update(text).digest('hex')}`;
        this.names.set(text, name);
      }
      if (name) {
        // A Query built from the text (not from a config object, which pg copies property by
        // property on every call: a few per cent of the server's CPU), then named.
        const query = new pg.Query(text, values) as pg.Query & { name?: string; callback?: (error: Error | null, result: pg.QueryResult) => void };
        query.name = name;
        return new Promise<pg.QueryResult>((resolve, reject) => {
          query.callback = (error, result) => (error ? reject(error) : resolve(result));
          (super.query as unknown as (submittable: pg.Query) => void)(query);
        }) as never;
      }
    }
    return (super.query as unknown as (...rest: unknown[]) => never)(...args);
  }
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir?: string;
  /** An already-open PGlite (tests load a migrated snapshot this way). */
  pglite?: PGlite;
  poolSize?: number;
}

// Tables and columns are snake_case in SQL and camelCase in TypeScript. Kysely's CamelCasePlugin
// rewrites every query's whole node tree into a snake_case copy before compiling it: doing it
// here instead took about a fifth off the server's CPU under the simulator's load. Here the compiler writes each identifier in snake_case as
// it emits it (the same identifiers the plugin would rewrite), and the plugin only maps result rows.
/** Maps result rows to camelCase; identifiers in queries are snake-cased by the compiler. */
class CamelCaseResults extends CamelCasePlugin {
  override transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  /** The plugin's own (memoized) camelCase → snake_case mapping. */
  toSnakeCase(identifier: string): string {
    return this.snakeCase(identifier);
  }
}

const caseMapping = new CamelCaseResults();

class SnakeCaseQueryCompiler extends PostgresQueryCompiler {
  protected override sanitizeIdentifier(identifier: string): string {
    return super.sanitizeIdentifier(caseMapping.toSnakeCase(identifier));
  }
}

class SnakeCasePostgresDialect extends PostgresDialect {
  override createQueryCompiler() {
    return new SnakeCaseQueryCompiler();
  }
}

class SnakeCasePGliteDialect extends PGliteDialect {
  override createQueryCompiler() {
    return new SnakeCaseQueryCompiler();
  }
}

/** Opens PostgreSQL when a URL is given, otherwise the embedded PGlite folder (locked to this process). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const plugins = [caseMapping];
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(process.env.PG_PREPARED_STATEMENTS === 'off' ? {} : { Client: PreparingClient as unknown as new () => pg.ClientBase }),
      types: { getTypeParser: pgTypeParser as never },
    });
    pool.on('error', () => {
      // An idle client lost its connection (e.g. the database restarted); the pool replaces it.
    });
    const db = new Kysely<Database>({ dialect: new SnakeCasePostgresDialect({ pool }), plugins });
    const databaseUrl = options.databaseUrl;
    return {
      db,
      engine: 'postgres',
      pool,
      listen: (channel, onNotify, onReconnect) => listenOnPostgres(databaseUrl, channel, onNotify, onReconnect),
      close: () => db.destroy(),
    };
  }
  let release: (() => void) | undefined;
  let pglite = options.pglite;
  if (!pglite) {
    if (!options.dataDir) throw new Error('openDatabase needs a databaseUrl or a dataDir');
    release = lockDataDir(options.dataDir);
    try {
      pglite = await PGlite.create(options.dataDir, { extensions: pgliteExtensions, parsers: pgliteParsers });
    } catch (error) {
      release();
      throw error;
    }
  }
  const instance = pglite;
  const db = new Kysely<Database>({ dialect: new SnakeCasePGliteDialect({ pglite: instance }), plugins });
  return {
    db,
    engine: 'pglite',
    pool: undefined,
    listen: async (channel, onNotify) => {
      assertChannelName(channel);
      const stop = await instance.listen(channel, onNotify);
      return async () => {
        if (!instance.closed) await stop();
      };
    },
    close: async () => {
      await db.destroy();
      if (!instance.closed) await instance.close();
      release?.();
    },
  };
}

function assertChannelName(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error('not a channel name');
}

const RECONNECT_DELAY_MS = [100, 500, 1000, 2000, 5000] as const;

/** A dedicated LISTEN connection (outside the pool, which would recycle it) that comes back after a drop. */
async function listenOnPostgres(
  connectionString: string,
  channel: string,
  onNotify: (payload: string) => void,
  onReconnect?: () => void,
): Promise<() => Promise<void>> {
  assertChannelName(channel);
  let stopped = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const connect = async (isReconnect: boolean): Promise<void> => {
    const candidate = new pg.Client({ connectionString });
    client = candidate;
    let dropped = false;
    const onDrop = () => {
      if (dropped) return;
      dropped = true;
      candidate.end().catch(() => undefined);
      if (stopped) return;
      const delay = RECONNECT_DELAY_MS[Math.min(failures, RECONNECT_DELAY_MS.length - 1)];
      failures += 1;
      retryTimer = setTimeout(() => void connect(true), delay);
      retryTimer.unref();
    };
    candidate.on('error', onDrop);
    candidate.on('end', onDrop);
    candidate.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    try {
      await candidate.connect();
      await candidate.query(`listen ${channel}`);
      failures = 0;
      if (isReconnect) onReconnect?.();
    } catch (error) {
      if (!isReconnect) {
        stopped = true;
        await candidate.end().catch(() => undefined);
        throw error;
      }
      onDrop();
    }
  };

  await connect(false);
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    await client?.end().catch(() => undefined);
  };
}

export { pgliteParsers };
