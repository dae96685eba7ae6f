import { sql } from "drizzle-orm";
import { textArray } from "../db/arrays";
import type { Database } from "../db/client";
import { commissionLineTable } from "./commissions.sql";

/** A stored commission line (amounts as exact decimal strings). */
export type CommissionLine = typeof commissionLineTable.$inferSelect;

export async function commissionLinesByKey(db: Database, keys: string[]): Promise<Map<string, CommissionLine>> {
  const rows = await db.select().from(commissionLineTable).where(sql`${commissionLineTable.naturalKey} = any(${textArray(keys)})`);
  return new Map(rows.map((line) => [line.naturalKey, line]));
}
