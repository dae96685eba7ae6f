import { and, count, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import * as v from "valibot";
import type { Database } from "../db/client";
import { containsPattern, offsetOf, orderBy, pageOf, windowOf } from "../http/list";
import { instantWindow, pageQuery, sortQuery, type Page } from "../http/schemas";
import { rankTable } from "../plan/plan.sql";
import { memberTable, ROLES } from "./members.sql";

// `GET /api/admin/members`: every account (network members, the company root and staff), for staff.

export const adminMembersQuery = v.strictObject({
  ...pageQuery,
  sort: sortQuery(["enrolledAt", "name", "memberCode"], "-enrolledAt"),
  country: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z]{2}$/, "Must be a 2-letter country code"), v.toUpperCase())),
  role: v.optional(v.picklist(ROLES, `Must be one of: ${ROLES.join(", ")}`)),
  memberCode: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(32), v.toUpperCase())),
  search: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(100), v.description("Part of the name, email or member code (case-insensitive)"))),
  ...instantWindow,
});
export type AdminMembersQuery = v.InferOutput<typeof adminMembersQuery>;

export const adminMemberSchema = v.object({
  id: v.pipe(v.number(), v.integer()),
  memberCode: v.string(),
  email: v.string(),
  firstName: v.string(),
  lastName: v.string(),
  country: v.string(),
  role: v.picklist(ROLES),
  sponsorCode: v.pipe(v.nullable(v.string()), v.description("Null for the company root and staff-only accounts")),
  careerRank: v.pipe(v.nullable(v.string()), v.description("Name of the highest rank ever reached")),
  enrolledAt: v.pipe(v.string(), v.description("ISO 8601 instant")),
});
export type AdminMember = v.InferOutput<typeof adminMemberSchema>;

const sponsorTable = alias(memberTable, "sponsor");
const fullName = sql`lower(${memberTable.firstName} || ' ' || ${memberTable.lastName})`;

function conditions(query: AdminMembersQuery): SQL | undefined {
  const { from, to } = windowOf(query);
  const search = query.search && containsPattern(query.search);
  return and(
    query.country ? eq(memberTable.country, query.country) : undefined,
    query.role ? eq(memberTable.role, query.role) : undefined,
    query.memberCode ? eq(memberTable.memberCode, query.memberCode) : undefined,
    search ? sql`(${fullName} like ${search} or lower(${memberTable.email}) like ${search} or lower(${memberTable.memberCode}) like ${search})` : undefined,
    from ? gte(memberTable.enrolledAt, from) : undefined,
    to ? lt(memberTable.enrolledAt, to) : undefined,
  );
}

export async function listMembers(db: Database, query: AdminMembersQuery): Promise<Page<AdminMember>> {
  const where = conditions(query);
  const rows = await db
    .select({
      id: memberTable.id,
    memberCode: memberTable.memberCode,
      email: memberTable.email,
      firstName: memberTable.firstName,
      lastName: memberTable.lastName,
    country: memberTable.country,
    role: memberTable.role,
      sponsorCode: sponsorTable.memberCode,
      careerRank: rankTable.name,
      enrolledAt: memberTable.enrolledAt,
    })
    .from(memberTable)
    .leftJoin(sponsorTable, eq(sponsorTable.id, memberTable.sponsorId))
    .leftJoin(rankTable, eq(rankTable.code, memberTable.careerRank))
    .where(where)
    .orderBy(...orderBy(query.sort, { enrolledAt: memberTable.enrolledAt, name: fullName, memberCode: memberTable.memberCode }, memberTable.id))
    .limit(query.pageSize)
    .offset(offsetOf(query));
  const [total] = await db.select({ total: count() }).from(memberTable).where(where);
  return pageOf(
    rows.map((row) => ({ ...row, enrolledAt: row.enrolledAt.toISOString() })),
    total?.total ?? 0,
    query,
  );
}
