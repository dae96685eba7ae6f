import { sql } from "drizzle-orm";
import { bigint, char, check, index, integer, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { memberTable } from "../members/members.sql";
import { orderTable } from "../orders/orders.sql";
import { currencyTable } from "../plan/plan.sql";

export const CASHBACK_STATUSES = ["available", "reserved", "used", "revoked"] as const;
export type CashbackStatus = (typeof CASHBACK_STATUSES)[number];

/**
 * The cashback credit (SPEC.md section 6, bonus 8): one per member per period, granted when the
 * member's PV in the period first reaches the plan's threshold. available -> reserved (by one
 * order at checkout) -> used (when that order is paid), or back to available when the order fails
 * or is cancelled. It applies only to orders checked out within its period (expires_at); a credit
 * reserved in time stays good even if its order is paid after the period ends (the discount is
 * already in the order's total, which is what the buyer is charged). revoked: a refund took back
 * the PV that earned it while it was still unused.
 * The percent and cap are frozen at grant, so a later plan change never alters a granted credit.
 */
export const cashbackCreditTable = pgTable(
  "cashback_credit",
  {
    memberId: integer("member_id")
      .notNull()
      .references(() => memberTable.id),
    period: char("period", { length: 7 }).notNull(),
    currency: char("currency", { length: 3 })
      .notNull()
      .references(() => currencyTable.code),
    /** Discount, as a % of the subtotal of the order that uses it... */
    percent: numeric("percent", { precision: 7, scale: 4 }).notNull(),
    /** ...never more than this (the plan's percent of its per-currency base). */
    cap: numeric("cap", { precision: 14, scale: 2 }).notNull(),
    status: text("status", { enum: CASHBACK_STATUSES }).notNull().default("available"),
    /** The order whose confirmation reached the threshold: it can never use the credit itself. */
    earnedOrderId: bigint("earned_order_id", { mode: "number" })
      .notNull()
      .references(() => orderTable.id),
    reservedOrderId: bigint("reserved_order_id", { mode: "number" }).references(() => orderTable.id),
    discount: numeric("discount", { precision: 14, scale: 2 }),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    reservedAt: timestamp("reserved_at", { withTimezone: true }),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.period] }),
    uniqueIndex("cashback_credit_reserved_order").on(t.reservedOrderId).where(sql`${t.reservedOrderId} is not null`),
    index("cashback_credit_earned_order").on(t.earnedOrderId),
    check("cashback_credit_status", sql`${t.status} in ('available','reserved','used','revoked')`),
    check(
      "cashback_credit_shape",
      sql`(${t.status} in ('reserved','used')) = (${t.reservedOrderId} is not null and ${t.discount} is not null and ${t.reservedAt} is not null)
          and (${t.status} = 'used') = (${t.usedAt} is not null)
          and (${t.status} = 'revoked') = (${t.revokedAt} is not null)
          and ${t.reservedOrderId} is distinct from ${t.earnedOrderId}
          and ${t.cap} > 0 and coalesce(${t.discount}, 0) between 0 and ${t.cap}`,
    ),
  ],
);
