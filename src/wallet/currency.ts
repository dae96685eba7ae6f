import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { notFound } from "../errors";
import { memberTable } from "../members/members.sql";
import { countryTable } from "../plan/plan.sql";

/** A member's wallet currency: their country's (SPEC.md section 1). */
export async function currencyOfMember(db: Database, memberId: number): Promise<string> {
  const [row] = await db
    .select({ currency: countryTable.currency })
    .from(memberTable)
    .innerJoin(countryTable, eq(countryTable.code, memberTable.country))
    .where(eq(memberTable.id, memberId));
  if (!row) throw notFound("Member");
  return row.currency;
}
