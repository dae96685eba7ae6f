import { sql } from "drizzle-orm";
import { char, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { countryTable, rankTable } from "../plan/plan.sql";

export const ROLES = ["member", "support", "finance", "admin"] as const;
export type Role = (typeof ROLES)[number];

/**
 * Everyone who can sign in. Network members carry the genealogy (path not null); staff-only
 * accounts have no path and stand outside the tree. Tree storage: docs/decisions/001-tree-storage.md;
 * the numbering and overlay tables derived from path live in migrations/0001 (hand-written).
 */
export const memberTable = pgTable(
  "member",
  {
    /** By default (not always): a signup takes nextval itself so its path can end with its own id. */
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    /** Public referral code: random, never derived from id. */
    memberCode: text("member_code").notNull().unique(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    country: char("country", { length: 2 }).notNull().references(() => countryTable.code),
    role: text("role", { enum: ROLES }).notNull().default("member"),
    sponsorId: integer("sponsor_id").references((): AnyPgColumn => memberTable.id),
    /** Root = 0. */
    depth: integer("depth"),
    /** Ancestors root first, self last: the upline is one lookup. Never indexed (deep paths break btree). */
    path: integer("path").array(),
    careerRank: text("career_rank").references(() => rankTable.code),
    enrolledAt: timestamp("enrolled_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("member_email_lower").on(sql`lower(${t.email})`),
    index("member_sponsor").on(t.sponsorId),
    check("member_role", sql`${t.role} in ('member','support','finance','admin')`),
    check("member_tree_shape", sql`(${t.path} is null) = (${t.depth} is null) and (${t.sponsorId} is null or ${t.path} is not null)`),
  ],
);

/** Each promotion to a career rank, once per rank ever. */
export const rankHistoryTable = pgTable(
  "rank_history",
  {
    memberId: integer("member_id").notNull().references(() => memberTable.id),
    rankCode: text("rank_code").notNull().references(() => rankTable.code),
    period: char("period", { length: 7 }).notNull(),
    reachedAt: timestamp("reached_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.rankCode] })],
);
