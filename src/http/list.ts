import { asc, desc, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
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
