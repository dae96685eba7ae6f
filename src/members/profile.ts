import { eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import * as v from "valibot";
import type { Database } from "../db/client";
import { notFound } from "../errors";
import { countryTable, rankTable } from "../plan/plan.sql";
import { memberTable, ROLES } from "./members.sql";

/** The member as they see themself (`GET /api/me`, and `member` in register/login responses). */
export const memberProfileSchema = v.object({
  id: v.pipe(v.number(), v.integer()),
  memberCode: v.string(),
  email: v.string(),
  firstName: v.string(),
  lastName: v.string(),
  country: v.string(),
  currency: v.string(),
  role: v.picklist(ROLES),
  /** Null for the company root and for staff accounts, which stand outside the genealogy. */
  sponsor: v.nullable(v.object({ memberCode: v.string(), name: v.string() })),
  careerRank: v.pipe(v.nullable(v.string()), v.description("Name of the highest rank ever reached; null before the first")),
  enrolledAt: v.pipe(v.string(), v.description("ISO 8601 instant")),
});
export type MemberProfile = v.InferOutput<typeof memberProfileSchema>;

const sponsorTable = alias(memberTable, "sponsor");

export async function memberProfile(db: Database, memberId: number): Promise<MemberProfile> {
  const [row] = await db
    .select({
      id: memberTable.id,
      memberCode: memberTable.memberCode,
      email: memberTable.email,
      firstName: memberTable.firstName,
      lastName: memberTable.lastName,
      country: memberTable.country,
      currency: countryTable.currency,
      role: memberTable.role,
      sponsorCode: sponsorTable.memberCode,
      sponsorName: sql<string | null>`${sponsorTable.firstName} || ' ' || ${sponsorTable.lastName}`,
      careerRank: rankTable.name,
      enrolledAt: memberTable.enrolledAt,
    })
    .from(memberTable)
    .innerJoin(countryTable, eq(countryTable.code, memberTable.country))
    .leftJoin(sponsorTable, eq(sponsorTable.id, memberTable.sponsorId))
    .leftJoin(rankTable, eq(rankTable.code, memberTable.careerRank))
    .where(eq(memberTable.id, memberId));
  if (!row) throw notFound("Member");
  const { sponsorCode, sponsorName, enrolledAt, ...member } = row;
  return {
    ...member,
    sponsor: sponsorCode === null ? null : { memberCode: sponsorCode, name: sponsorName ?? "" },
    enrolledAt: enrolledAt.toISOString(),
  };
}
