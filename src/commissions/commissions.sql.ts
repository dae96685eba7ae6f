import { sql } from "drizzle-orm";
import { bigint, char, check, index, integer, numeric, pgTable, smallint, text, timestamp, unique } from "drizzle-orm/pg-core";
import { ledgerTransactionTable } from "../ledger/ledger.sql";
import { memberTable } from "../members/members.sql";
import { currencyTable } from "../plan/plan.sql";

export const BONUS_TYPES = ["direct", "fast_start", "unilevel", "achievement", "matching", "car"] as const;
export type BonusType = (typeof BONUS_TYPES)[number];
export const COMMISSION_STATUSES = ["pending", "paid", "cancelled", "reversed"] as const;
export type CommissionStatus = (typeof COMMISSION_STATUSES)[number];

const list = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(","));

/**
 * One money commission (SPEC.md section 8): computed in the origin currency, converted at the
 * company rate in force when it was calculated (src/money/exchange.ts). Created pending with the
 * instant it becomes payable; the payouts job posts it to the receiver's wallet exactly once.
 * `revoked_amount` is what refunds took back: cancelled before payout, or clawed back after it.
 * A negative line (a refund's share of a closed period) debits the wallet when paid.
 */
export const commissionLineTable = pgTable(
  "commission_line",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** Idempotent creation: the same business fact (e.g. `fast_start:order:17:level:2`) is one line. */
    naturalKey: text("natural_key").notNull().unique(),
    receiverId: integer("receiver_id")
      .notNull()
      .references(() => memberTable.id),
    bonusType: text("bonus_type", { enum: BONUS_TYPES }).notNull(),
    sourceMemberId: integer("source_member_id").references(() => memberTable.id),
    /** The order that earned it; orders arrive with their own issue, which adds the foreign key. */
    orderId: bigint("order_id", { mode: "number" }),
    period: char("period", { length: 7 }).notNull(),
    /** Genealogy level: direct 1, fast start 1-3, unilevel 1-10 (10 = 10+), matching 1-4; else null. */
    level: smallint("level"),
    originAmount: numeric("origin_amount", { precision: 18, scale: 2 }).notNull(),
    originCurrency: char("origin_currency", { length: 3 })
      .notNull()
      .references(() => currencyTable.code),
    /** Origin-to-receiver rate applied (1 within one currency). */
    rate: numeric("rate", { precision: 24, scale: 12 }).notNull(),
    amount: numeric("amount", { precision: 18, scale: 2 }).notNull(),
    currency: char("currency", { length: 3 })
      .notNull()
      .references(() => currencyTable.code),
    status: text("status", { enum: COMMISSION_STATUSES }).notNull().default("pending"),
    revokedAmount: numeric("revoked_amount", { precision: 18, scale: 2 }).notNull().default("0"),
    payableAt: timestamp("payable_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    paidTransactionId: bigint("paid_transaction_id", { mode: "number" }).references(() => ledgerTransactionTable.id),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [
    check("commission_line_bonus_type", sql`${t.bonusType} in (${list(BONUS_TYPES)})`),
    check("commission_line_status", sql`${t.status} in (${list(COMMISSION_STATUSES)})`),
    check("commission_line_nonzero", sql`${t.amount} <> 0 and ${t.originAmount} <> 0 and ${t.rate} > 0`),
    check("commission_line_paid_shape", sql`(${t.status} in ('paid','reversed')) = (${t.paidAt} is not null and ${t.paidTransactionId} is not null)`),
    // Revoked: never more than the line, same sign; all of it exactly when cancelled or reversed.
    check(
      "commission_line_revoked",
      sql`abs(${t.revokedAmount}) <= abs(${t.amount}) and ${t.revokedAmount} * ${t.amount} >= 0
          and (${t.status} in ('cancelled','reversed')) = (${t.revokedAmount} = ${t.amount})`,
    ),
    /** The payouts queue: only pending lines, in the order they become payable. */
    index("commission_line_payable").on(t.payableAt, t.id).where(sql`${t.status} = 'pending'`),
    index("commission_line_receiver").on(t.receiverId, t.period),
    index("commission_line_order").on(t.orderId).where(sql`${t.orderId} is not null`),
  ],
);

/**
 * What refunds took back from a line, one row per business event (a refund id, say): cancelled
 * before payout, or clawed back after it through the ledger. `(line_id, key)` makes each event
 * count once; the line's revoked_amount is their sum, kept in the same transaction.
 */
export const commissionRevocationTable = pgTable(
  "commission_revocation",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    lineId: bigint("line_id", { mode: "number" })
      .notNull()
      .references(() => commissionLineTable.id),
    key: text("key").notNull(),
    kind: text("kind", { enum: ["cancel", "clawback"] }).notNull(),
    amount: numeric("amount", { precision: 18, scale: 2 }).notNull(),
    /** The clawback's ledger transaction; null for a cancellation (no money had moved). */
    transactionId: bigint("transaction_id", { mode: "number" }).references(() => ledgerTransactionTable.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    unique("commission_revocation_event").on(t.lineId, t.key),
    check("commission_revocation_kind", sql`(${t.kind} = 'clawback') = (${t.transactionId} is not null) and ${t.kind} in ('cancel','clawback')`),
    check("commission_revocation_nonzero", sql`${t.amount} <> 0`),
  ],
);
