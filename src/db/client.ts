import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { env } from "../config/env";
import * as schema from "./schema";

export type Schema = typeof schema;
/** A database handle or a transaction: every core function takes one of these first. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type DriverKind = "neon" | "postgres" | "embedded";

export interface Connection {
  db: Database;
  kind: DriverKind;
  close(): Promise<void>;
}

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../migrations");

export function driverFor(url: string | undefined): DriverKind {
  if (!url) return "embedded";
  const host = new URL(url).hostname;
  return host.endsWith(".neon.tech") || process.env.DATABASE_DRIVER === "neon" ? "neon" : "postgres";
}

/**
 * Opens the database the settings name: Neon through its WebSocket Pool (transactions and row
 * locks work there, unlike its HTTP driver), any other Postgres through node-postgres, and with no
 * DATABASE_URL an embedded PGlite under DATA_DIR, migrated on open.
 */
export async function connect(url = env().DATABASE_URL, options: { poolMax?: number } = {}): Promise<Connection> {
  const kind = driverFor(url);
  const max = options.poolMax ?? env().DATABASE_POOL_MAX ?? 10;
  if (kind === "neon") {
    const { Pool, neonConfig } = await import("@neondatabase/serverless");
    const { drizzle } = await import("drizzle-orm/neon-serverless");
    if (typeof WebSocket === "undefined") neonConfig.webSocketConstructor = (await import("ws")).default;
    const pool = new Pool({ connectionString: url, max });
    pool.on("error", (error: Error) => console.error("idle database connection failed", error.message));
    return { db: drizzle(pool, { schema }) as unknown as Database, kind, close: () => pool.end() };
  }
  if (kind === "postgres") {
    const { Pool } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const pool = new Pool({ connectionString: url, max });
    // An idle client's error (server restart, dropped connection) would otherwise be an uncaught
    // 'error' event that kills the process; the pool has already discarded that client.
    pool.on("error", (error) => console.error("idle database connection failed", error.message));
    return { db: drizzle(pool, { schema }) as unknown as Database, kind, close: () => pool.end() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const client = await PGlite.create(path.resolve(env().DATA_DIR, "pglite"), { extensions: { pg_trgm } });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return { db: db as unknown as Database, kind, close: () => client.close() };
}

/** Applies the checked-in migrations to a server database (embedded mode migrates on open). */
export async function migrateServer(url: string): Promise<void> {
  const connection = await connect(url, { poolMax: 1 });
  try {
    if (connection.kind === "neon") {
      const { migrate } = await import("drizzle-orm/neon-serverless/migrator");
      await migrate(connection.db as never, { migrationsFolder });
    } else {
      const { migrate } = await import("drizzle-orm/node-postgres/migrator");
      await migrate(connection.db as never, { migrationsFolder });
    }
  } finally {
    await connection.close();
  }
}

let shared: Promise<Connection> | undefined;

/** The process-wide connection, opened on first use (one per function instance). */
export function database(): Promise<Database> {
  shared ??= connect();
  return shared.then((connection) => connection.db);
}

export async function closeDatabase(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current).close();
}

/** A bigint id comes back from a raw statement as text (its range exceeds a JS number's); ours stay far below 2^53. */
export const withNumericId = <T extends { id: number }>(row: Omit<T, "id"> & { id: string | number }): T => ({ ...row, id: Number(row.id) }) as T;

/** Rows of a raw SQL statement, whatever the driver (they all answer `{ rows }`). */
export async function query<T>(db: Database, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}
