import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Database } from "./client";

// The hot path's statements (a payment confirmation, the token check) are prepared once per
// connection and then executed by name: PostgreSQL skips parsing them and, once it has seen that a
// generic plan costs no more than a custom one, planning them too. Planning was a third of the
// database's time per confirmation (bench `orders`, pg_stat_statements, 2026-11-22).
//
// Only for statements whose best plan does not depend on their values: lookups, inserts and
// updates by key. A tree read or a filtered list is planned with its values (a subtree of 50 or of
// 900,000 members wants different plans), so it stays unnamed.
//
// The name is a hash of the text, so one call site whose text varies (an IN list, a number of
// rows) is several statements, never one name for two texts (the texts are few: these call sites
// vary only in such counts). The embedded PGlite ignores names.

const dialect = new PgDialect();

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) names.set(text, (name = `nnp_${createHash("sha1").update(text).digest("hex")}`));
  return name;
}

/** Rows of a raw SQL statement, executed as a named prepared statement. */
export async function preparedQuery<T>(db: Database, statement: SQL): Promise<T[]> {
  const query = dialect.sqlToQuery(statement);
  const result = await db._.session.prepareQuery(query, undefined, statementName(query.sql), false).execute();
  return (result as unknown as { rows: T[] }).rows;
}

interface Preparable<R> {
  prepare(name: string): { execute(): Promise<R> };
}

/** Where drizzle's node-postgres and Neon prepared queries keep the text and name they send. */
interface QueryConfigs {
  rawQueryConfig?: { name?: string; text?: string };
  queryConfig?: { name?: string; text: string };
}

/**
 * A drizzle query (select, insert, update) executed as a named prepared statement. Its text is
 * known only once built, so it is built unnamed and named after (building it twice, to learn the
 * name first, cost more than the planning saved); test/db/prepared.test.ts checks that it is.
 */
export function prepared<R>(builder: Preparable<R>): Promise<R> {
  const query = builder.prepare("");
  const { rawQueryConfig, queryConfig } = query as QueryConfigs;
  // PGlite's prepared query has configs of another shape (no text) and no names: left as it is.
  if (typeof rawQueryConfig?.text === "string" && queryConfig) rawQueryConfig.name = queryConfig.name = statementName(rawQueryConfig.text);
  return query.execute();
}
