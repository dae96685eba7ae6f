import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

// A raw statement (cheaper to build than drizzle's query builder, which matters on the hot path)
// that returns whole rows of a table, mapped exactly as drizzle maps that table's rows.

/** Every column of the table under its drizzle key: a raw statement's SELECT or RETURNING list. */
export function allColumns(table: PgTable): SQL {
  return sql.join(
    Object.entries(getTableColumns(table)).map(([key, column]) => sql`${sql.identifier(column.name)} as ${sql.identifier(key)}`),
    sql`, `,
  );
}

/** A raw row selected with allColumns, as drizzle returns a row of the table (bigint ids as numbers, instants as Dates). */
export function tableRow<T extends PgTable>(table: T, row: Record<string, unknown>): T["$inferSelect"] {
  return Object.fromEntries(
    Object.entries(getTableColumns(table)).map(([key, column]) => [key, row[key] === null || row[key] === undefined ? null : column.mapFromDriverValue(row[key])]),
  ) as T["$inferSelect"];
}
