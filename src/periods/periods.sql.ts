import { sql } from "drizzle-orm";
import { char, check, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const PERIOD_STATUSES = ["open", "closed"] as const;
export type PeriodStatus = (typeof PERIOD_STATUSES)[number];

/**
 * A business period (a Mexico City calendar month, `YYYY-MM`). Rows are created on demand, by the
 * first confirmation that lands in the period (or by its close); a period without a row is open.
 * Closed is final: a confirmation for a closed period goes to the next open one (arrived late).
 */
export const periodTable = pgTable(
  "period",
  {
    period: char("period", { length: 7 }).primaryKey(),
    status: text("status", { enum: PERIOD_STATUSES }).notNull().default("open"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [
    check("period_format", sql`${t.period} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check("period_status", sql`${t.status} in ('open','closed')`),
    check("period_closed_shape", sql`(${t.status} = 'closed') = (${t.closedAt} is not null)`),
  ],
);
