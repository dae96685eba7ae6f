import { sql } from "drizzle-orm";
import { bigint, boolean, char, check, index, integer, jsonb, numeric, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";
import { productTable } from "../catalog/catalog.sql";
import { memberTable } from "../members/members.sql";
import { currencyTable } from "../plan/plan.sql";

export const ORDER_STATUSES = ["pending_payment", "paid", "fulfilled", "refunded", "partially_refunded", "cancelled", "payment_failed"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Orders that count (a payment was confirmed): refunds and disputes apply to these only. */
export const CONFIRMED_STATUSES = ["paid", "fulfilled", "partially_refunded", "refunded"] as const satisfies readonly OrderStatus[];
export const isConfirmed = (status: OrderStatus): boolean => (CONFIRMED_STATUSES as readonly OrderStatus[]).includes(status);
export const PAYMENT_METHODS = ["card", "wallet", "manual"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
/** open: a dispute (or inquiry) is under way; won / lost: its outcome; closed: an inquiry closed without a dispute. */
export const DISPUTE_STATUSES = ["open", "won", "lost", "closed"] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
/**
 * What a Stripe event did: applied; deferred (it arrived before the payment succeeded and is
 * applied right after it); ignored (nothing to do: unknown order, stale, superseded);
 * needs_review (money moved that the order cannot take on its own: staff decide).
 */
export const STRIPE_EVENT_OUTCOMES = ["applied", "deferred", "ignored", "needs_review"] as const;
export type StripeEventOutcome = (typeof STRIPE_EVENT_OUTCOMES)[number];

const list = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(","));

/**
 * An order, priced in the buyer's currency at checkout (prices, PV and VN frozen on its lines).
 * Only a payment confirmation makes it count: it then gets payment_confirmed_at and its period.
 */
export const orderTable = pgTable(
  "orders",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    memberId: integer("member_id")
      .notNull()
      .references(() => memberTable.id),
    status: text("status", { enum: ORDER_STATUSES }).notNull().default("pending_payment"),
    currency: char("currency", { length: 3 })
      .notNull()
      .references(() => currencyTable.code),
    subtotal: numeric("subtotal", { precision: 14, scale: 2 }).notNull(),
    /** The cashback credit applied (0 when none). */
    discount: numeric("discount", { precision: 14, scale: 2 }).notNull().default("0"),
    total: numeric("total", { precision: 14, scale: 2 }).notNull(),
    pv: numeric("pv", { precision: 14, scale: 2 }).notNull(),
    /** VN of product lines (kits have none), in the order's currency. */
    vn: numeric("vn", { precision: 14, scale: 2 }).notNull(),
    hasKit: boolean("has_kit").notNull(),
    paymentMethod: text("payment_method", { enum: PAYMENT_METHODS }).notNull(),
    paymentIntentId: text("payment_intent_id").unique(),
    /** Staff confirmations: the bank or cash reference. */
    paymentReference: text("payment_reference"),
    /** Why the payment failed (the card's decline message, or the payment provider being unreachable). */
    paymentError: text("payment_error"),
    /** Set at confirmation: the period containing payment_confirmed_at, or the open one if that closed. */
    period: char("period", { length: 7 }),
    arrivedLate: boolean("arrived_late").notNull().default(false),
    /** Cumulative refunded amount (Stripe reports the running total). */
    refundedAmount: numeric("refunded_amount", { precision: 14, scale: 2 }).notNull().default("0"),
    disputeStatus: text("dispute_status", { enum: DISPUTE_STATUSES }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    paymentConfirmedAt: timestamp("payment_confirmed_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    check("orders_status", sql`${t.status} in (${list(ORDER_STATUSES)})`),
    check("orders_payment_method", sql`${t.paymentMethod} in (${list(PAYMENT_METHODS)})`),
    check("orders_dispute_status", sql`${t.disputeStatus} is null or ${t.disputeStatus} in (${list(DISPUTE_STATUSES)})`),
    check("orders_amounts", sql`${t.subtotal} >= 0 and ${t.discount} >= 0 and ${t.total} = ${t.subtotal} - ${t.discount} and ${t.total} >= 0`),
    check("orders_refund_bounds", sql`${t.refundedAmount} >= 0 and ${t.refundedAmount} <= ${t.total}`),
    check("orders_confirmed_shape", sql`(${t.paymentConfirmedAt} is null) = (${t.period} is null)`),
    // A status that counts has a confirmation; one that never counted has none.
    check("orders_status_confirmed", sql`(${t.status} in (${list(CONFIRMED_STATUSES)})) = (${t.paymentConfirmedAt} is not null)`),
    index("orders_member_created").on(t.memberId, t.createdAt),
    index("orders_period_member").on(t.period, t.memberId).where(sql`${t.period} is not null`),
    index("orders_status_created").on(t.status, t.createdAt),
    index("orders_created").on(t.createdAt),
  ],
);

export const orderLineTable = pgTable(
  "order_line",
  {
    orderId: bigint("order_id", { mode: "number" })
      .notNull()
      .references(() => orderTable.id),
    lineNo: smallint("line_no").notNull(),
    sku: text("sku")
      .notNull()
      .references(() => productTable.sku),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["kit", "product"] }).notNull(),
    quantity: integer("quantity").notNull(),
    unitPrice: numeric("unit_price", { precision: 14, scale: 2 }).notNull(),
    unitPv: numeric("unit_pv", { precision: 12, scale: 2 }).notNull(),
    unitVn: numeric("unit_vn", { precision: 14, scale: 2 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.lineNo] }),
    check("order_line_quantity", sql`${t.quantity} between 1 and 99`),
    check("order_line_kit", sql`${t.kind} in ('kit','product') and (${t.kind} = 'product' or (${t.quantity} = 1 and ${t.unitVn} = 0))`),
  ],
);

/**
 * A member's one starter kit ever: claimed when a kit order is created, released if that order
 * fails or is cancelled (a paid kit keeps it, refunded or not). The primary key makes a second kit
 * impossible even under concurrency.
 */
export const kitClaimTable = pgTable("kit_claim", {
  memberId: integer("member_id")
    .primaryKey()
    .references(() => memberTable.id),
  orderId: bigint("order_id", { mode: "number" })
    .notNull()
    .unique()
    .references(() => orderTable.id),
});

/**
 * The Stripe webhook inbox: each event id once. Recorded in the same transaction as its effects,
 * so an event is applied exactly once; `outcome` says what it did and `detail` why.
 */
export const stripeEventTable = pgTable(
  "stripe_event",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    orderId: bigint("order_id", { mode: "number" }).references(() => orderTable.id),
    outcome: text("outcome", { enum: STRIPE_EVENT_OUTCOMES }).notNull(),
    detail: text("detail"),
    payload: jsonb("payload").notNull(),
    stripeCreatedAt: timestamp("stripe_created_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    appliedAt: timestamp("applied_at", { withTimezone: true }),
  },
  (t) => [
    check("stripe_event_outcome", sql`${t.outcome} in (${list(STRIPE_EVENT_OUTCOMES)})`),
    index("stripe_event_deferred").on(t.orderId, t.stripeCreatedAt).where(sql`${t.outcome} = 'deferred'`),
    index("stripe_event_review").on(t.receivedAt).where(sql`${t.outcome} = 'needs_review'`),
  ],
);
