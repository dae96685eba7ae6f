import { asc, desc, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { AppError } from "../errors";
import type { Page } from "./schemas";

/** A validated `?sort=` (see sortQuery) as an ORDER BY over a field-to-column map, plus a tie-breaker. */
export function orderBy<F extends string>(sort: { field: F; descending: boolean }, columns: Record<F, PgColumn | SQL>, tieBreaker: PgColumn): SQL[] {
  const column = columns[sort.field];
  const direction = sort.descending ? desc : asc;
  return [direction(column), direction(tieBreaker)];
}

export const offsetOf = (query: { page: number; pageSize: number }) => (query.page - 1) * query.pageSize;

export function pageOf<T>(items: T[], total: number, query: { page: number; pageSize: number }): Page<T> {
  return { items, page: query.page, pageSize: query.pageSize, total };
}

/** A case-insensitive "contains" pattern for LIKE on lower(...): `%`, `_` and `\` match literally. */
export const containsPattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** The `instantWindow` filters as dates; an empty or inverted window is a 400, not a silently empty page. */
export function windowOf(query: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const from = query.from === undefined ? undefined : new Date(query.from);
  const to = query.to === undefined ? undefined : new Date(query.to);
  if (from && to && from >= to) throw new AppError("validation", "The query is invalid", { errors: [{ path: "to", message: "Must be after from" }] });
  return { from, to };
}
