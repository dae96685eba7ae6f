import { sql } from "drizzle-orm";
import { bigint, char, check, integer, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { memberTable } from "../members/members.sql";
import { orderTable } from "../orders/orders.sql";

// Loyalty (SPEC.md section 6, bonus 9): points toward a physical gift, not money.

/** A month (period) in which the member had an order confirmed in its first days: earned once per month. */
export const loyaltyMonthTable = pgTable(
  "loyalty_month",
  {
    memberId: integer("member_id")
      .notNull()
      .references(() => memberTable.id),
    month: char("month", { length: 7 }).notNull(),
    points: integer("points").notNull(),
    /** The first qualifying order of the month. */
    orderId: bigint("order_id", { mode: "number" })
      .notNull()
      .references(() => orderTable.id),
    earnedAt: timestamp("earned_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.month] }), check("loyalty_month_points", sql`${t.points} > 0`)],
);

/** The member's running points: up by each month earned, back to 0 at a gift or at a month's close without one. */
export const loyaltyPointsTable = pgTable(
  "loyalty_points",
  {
    memberId: integer("member_id")
      .primaryKey()
      .references(() => memberTable.id),
    points: integer("points").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [check("loyalty_points_nonnegative", sql`${t.points} >= 0`)],
);

export const LOYALTY_GIFT_CHOICES = ["five_supplements", "three_serums_two_creams"] as const;

/** A gift earned at the plan's points, recorded for fulfilment; the member's choice is pending until made. */
export const loyaltyGiftTable = pgTable(
  "loyalty_gift",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    memberId: integer("member_id")
      .notNull()
      .references(() => memberTable.id),
    /** The month whose points completed it: at most one gift per member and month. */
    month: char("month", { length: 7 }).notNull(),
    points: integer("points").notNull(),
    choice: text("choice", { enum: LOYALTY_GIFT_CHOICES }),
    earnedAt: timestamp("earned_at", { withTimezone: true }).notNull(),
    chosenAt: timestamp("chosen_at", { withTimezone: true }),
    fulfilledAt: timestamp("fulfilled_at", { withTimezone: true }),
  },
  (t) => [
    unique("loyalty_gift_member_month").on(t.memberId, t.month),
    check("loyalty_gift_choice", sql`${t.choice} is null or ${t.choice} in ('five_supplements','three_serums_two_creams')`),
    check("loyalty_gift_shape", sql`(${t.choice} is null) = (${t.chosenAt} is null) and (${t.fulfilledAt} is null or ${t.choice} is not null)`),
  ],
);
