import { sql } from "drizzle-orm";
import { bigint, boolean, char, check, index, numeric, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { orderTable } from "../orders/orders.sql";

/**
 * Each refund event applied to a paid order (SPEC.md section 7): what it took back, once per event
 * (`key`, unique per order). In an open period the refund's effects are all immediate (PV
 * reversed, instant bonuses revoked; that period's close counts the order's VN net of
 * orders.refunded_amount). When the order's period had already closed, its share of
 * that period's monthly bonuses is still owed back: `settle_period` is the open period whose close
 * posts that share as negative lines, in bulk over the partial index below, and marks the rows
 * `settled_at`. Shares must be computed cumulatively (refunded_total / order total, minus what
 * earlier rows of the order took) so that the last refund of an order takes exactly what is left,
 * to the cent.
 */
export const orderRefundTable = pgTable(
  "order_refund",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** The refund event (e.g. the Stripe event or refund id): the same key applies once per order. */
    key: text("key").notNull(),
    orderId: bigint("order_id", { mode: "number" })
      .notNull()
      .references(() => orderTable.id),
    /** Newly refunded by this event, in the order's currency. */
    amount: numeric("amount", { precision: 14, scale: 2 }).notNull(),
    /** Cumulative refunded amount after this event. */
    refundedTotal: numeric("refunded_total", { precision: 14, scale: 2 }).notNull(),
    /** amount / order total, rounded to 12 places: for reports; money is recomputed from the amounts. */
    fraction: numeric("fraction", { precision: 13, scale: 12 }).notNull(),
    /** The order's period. */
    orderPeriod: char("order_period", { length: 7 }).notNull(),
    /** Whether orderPeriod was closed when the refund arrived (then PV stayed: that period's ranks are history). */
    periodClosed: boolean("period_closed").notNull(),
    /** When periodClosed: the open period whose close posts the negative share of the monthly bonuses. */
    settlePeriod: char("settle_period", { length: 7 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    settledAt: timestamp("settled_at", { withTimezone: true }),
  },
  (t) => [
    check("order_refund_amounts", sql`${t.amount} > 0 and ${t.refundedTotal} >= ${t.amount} and ${t.fraction} >= 0 and ${t.fraction} <= 1`),
    check("order_refund_settle_shape", sql`${t.periodClosed} = (${t.settlePeriod} is not null) and (${t.settledAt} is null or ${t.periodClosed})`),
    unique("order_refund_event").on(t.orderId, t.key),
    index("order_refund_unsettled").on(t.settlePeriod, t.id).where(sql`${t.settlePeriod} is not null and ${t.settledAt} is null`),
  ],
);
