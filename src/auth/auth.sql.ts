import { index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { memberTable } from "../members/members.sql";

/** Refresh tokens rotate: each use spends the token and issues the next one in the same family. */
export const refreshTokenTable = pgTable(
  "refresh_token",
  {
    id: uuid("id").primaryKey(),
    familyId: uuid("family_id").notNull(),
    memberId: integer("member_id").notNull().references(() => memberTable.id),
    /** SHA-256 of the token; the token itself is never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    spentAt: timestamp("spent_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("refresh_token_family").on(t.familyId), index("refresh_token_expires").on(t.expiresAt)],
);

/** Throttling events (e.g. failed logins per email), in Postgres so every function instance sees them. */
export const rateLimitEventTable = pgTable(
  "rate_limit_event",
  {
    key: text("key").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("rate_limit_event_key_time").on(t.key, t.occurredAt)],
);
