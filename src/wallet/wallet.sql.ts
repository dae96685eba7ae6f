import { sql } from "drizzle-orm";
import { bigint, boolean, char, check, index, integer, numeric, pgTable, text, timestamp, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { memberTable } from "../members/members.sql";
import { countryTable, currencyTable } from "../plan/plan.sql";

export const WITHDRAWAL_STATUSES = ["pending", "approved", "processed", "rejected", "cancelled"] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

/**
 * A member's payout destination. The full numbers are sealed (AES-256-GCM, src/wallet/sealed.ts)
 * and never leave the database in clear; the API shows `last4` only. `fingerprint` (a keyed hash)
 * spots the same account added twice without decrypting anything.
 */
export const bankAccountTable = pgTable(
  "bank_account",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    memberId: integer("member_id")
      .notNull()
      .references(() => memberTable.id),
    country: char("country", { length: 2 })
      .notNull()
      .references(() => countryTable.code),
    bankName: text("bank_name").notNull(),
    holderName: text("holder_name").notNull(),
    last4: char("last4", { length: 4 }).notNull(),
    /** `base64(iv).base64(tag).base64(ciphertext)` of the JSON account details. */
    sealedDetails: text("sealed_details").notNull(),
    /** Which DATA_ENCRYPTION_KEY sealed it, so keys can rotate. */
    keyId: text("key_id").notNull(),
    fingerprint: text("fingerprint").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** Last change of the details; a withdrawal soon after one is flagged for review. */
    changedAt: timestamp("changed_at", { withTimezone: true }).notNull(),
  },
  (t) => [unique("bank_account_member_fingerprint").on(t.memberId, t.fingerprint), index("bank_account_member").on(t.memberId, t.changedAt)],
);

/**
 * pending -> approved -> processed; pending/approved -> rejected; pending -> cancelled (member).
 * The whole amount sits in the member's hold account while open; the fee comes out of it.
 */
export const withdrawalTable = pgTable(
  "withdrawal",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    memberId: integer("member_id")
      .notNull()
      .references(() => memberTable.id),
    bankAccountId: bigint("bank_account_id", { mode: "number" })
      .notNull()
      .references(() => bankAccountTable.id),
    currency: char("currency", { length: 3 })
      .notNull()
      .references(() => currencyTable.code),
    amount: numeric("amount", { precision: 18, scale: 2 }).notNull(),
    fee: numeric("fee", { precision: 18, scale: 2 }).notNull(),
    net: numeric("net", { precision: 18, scale: 2 }).notNull(),
    status: text("status", { enum: WITHDRAWAL_STATUSES }).notNull().default("pending"),
    /** Requested within the review window of a bank-account change. */
    flagged: boolean("flagged").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    approvedBy: integer("approved_by").references(() => memberTable.id),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    processedBy: integer("processed_by").references(() => memberTable.id),
    rejectedAt: timestamp("rejected_at", { withTimezone: true }),
    rejectedBy: integer("rejected_by").references(() => memberTable.id),
    rejectReason: text("reject_reason"),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
  },
  (t) => [
    check("withdrawal_status", sql`${t.status} in ('pending','approved','processed','rejected','cancelled')`),
    check("withdrawal_amounts", sql`${t.amount} > 0 and ${t.fee} >= 0 and ${t.net} > 0 and ${t.net} = ${t.amount} - ${t.fee}`),
    check(
      "withdrawal_state_shape",
      sql`(${t.status} <> 'approved' or ${t.approvedAt} is not null)
          and (${t.status} <> 'processed' or (${t.approvedAt} is not null and ${t.processedAt} is not null))
          and (${t.status} <> 'rejected' or (${t.rejectedAt} is not null and ${t.rejectReason} is not null))
          and (${t.status} <> 'cancelled' or ${t.cancelledAt} is not null)`,
    ),
    /** At most one open withdrawal per member: the race-proof form of the rule. */
    uniqueIndex("withdrawal_one_open").on(t.memberId).where(sql`${t.status} in ('pending','approved')`),
    index("withdrawal_member_created").on(t.memberId, t.createdAt),
    index("withdrawal_created").on(t.createdAt),
    index("withdrawal_status_created").on(t.status, t.createdAt),
  ],
);
