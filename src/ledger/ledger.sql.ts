import { sql } from "drizzle-orm";
import { bigint, char, check, foreignKey, index, integer, numeric, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { memberTable } from "../members/members.sql";
import { currencyTable } from "../plan/plan.sql";

// The double-entry ledger (SPEC.md section 8; docs/decisions/002-ledger-and-locking.md).
// Sign convention: an entry's amount adds to its account's balance, and the entries of a
// transaction sum to zero per currency. Member accounts read as the member sees them: available
// and hold are >= 0, a receivable is <= 0 (what the member owes). Company (house) accounts keep no
// cached balance: their balance is the sum of their entries, so no posting ever locks them.

export const MEMBER_ACCOUNT_KINDS = ["member_available", "member_hold", "member_receivable"] as const;
export const COMPANY_ACCOUNT_KINDS = ["bonus_expense", "order_revenue", "payout_clearing", "fee_revenue"] as const;
export type MemberAccountKind = (typeof MEMBER_ACCOUNT_KINDS)[number];
export type CompanyAccountKind = (typeof COMPANY_ACCOUNT_KINDS)[number];
export type AccountKind = MemberAccountKind | CompanyAccountKind;

export const TRANSACTION_KINDS = [
  "commission_payout",
  "commission_clawback",
  "withdrawal_hold",
  "withdrawal_release",
  "withdrawal_payout",
  "order_payment",
  "order_refund",
] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

const list = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(","));

export const ledgerAccountTable = pgTable(
  "ledger_account",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind", { enum: [...MEMBER_ACCOUNT_KINDS, ...COMPANY_ACCOUNT_KINDS] }).notNull(),
    /** Null for company accounts. */
    memberId: integer("member_id").references(() => memberTable.id),
    currency: char("currency", { length: 3 }).notNull().references(() => currencyTable.code),
    /** Cached sum of the entries; only the ledger_entry trigger may change it. Null for company accounts. */
    balance: numeric("balance", { precision: 18, scale: 2 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("ledger_account_owner").on(t.memberId, t.kind, t.currency).nullsNotDistinct(),
    /** Target of the entries' (account, currency) foreign key: an entry's currency is its account's. */
    unique("ledger_account_id_currency").on(t.id, t.currency),
    check("ledger_account_kind", sql`${t.kind} in (${list([...MEMBER_ACCOUNT_KINDS, ...COMPANY_ACCOUNT_KINDS])})`),
    check("ledger_account_shape", sql`(${t.memberId} is not null) = (${t.kind} in (${list(MEMBER_ACCOUNT_KINDS)})) and (${t.balance} is not null) = (${t.memberId} is not null)`),
    check("ledger_account_available_nonnegative", sql`${t.kind} <> 'member_available' or ${t.balance} >= 0`),
    check("ledger_account_hold_nonnegative", sql`${t.kind} <> 'member_hold' or ${t.balance} >= 0`),
    check("ledger_account_receivable_nonpositive", sql`${t.kind} <> 'member_receivable' or ${t.balance} <= 0`),
  ],
);

/** One business event. Immutable; `natural_key` makes posting the same event twice post it once. */
export const ledgerTransactionTable = pgTable(
  "ledger_transaction",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    naturalKey: text("natural_key").notNull().unique(),
    kind: text("kind", { enum: TRANSACTION_KINDS }).notNull(),
    /** Shown to the member beside each movement, e.g. "Withdrawal 42". */
    reference: text("reference").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [check("ledger_transaction_kind", sql`${t.kind} in (${list(TRANSACTION_KINDS)})`)],
);

/** Immutable entries; every INSERT statement is balanced per transaction and currency (trigger). */
export const ledgerEntryTable = pgTable(
  "ledger_entry",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    transactionId: bigint("transaction_id", { mode: "number" })
      .notNull()
      .references(() => ledgerTransactionTable.id),
    accountId: bigint("account_id", { mode: "number" }).notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    amount: numeric("amount", { precision: 18, scale: 2 }).notNull(),
    /** The account's balance after this entry (the API's balanceAfter); null for company accounts. */
    balanceAfter: numeric("balance_after", { precision: 18, scale: 2 }),
  },
  (t) => [
    foreignKey({ name: "ledger_entry_account", columns: [t.accountId, t.currency], foreignColumns: [ledgerAccountTable.id, ledgerAccountTable.currency] }),
    check("ledger_entry_nonzero", sql`${t.amount} <> 0`),
    index("ledger_entry_account_history").on(t.accountId, t.id),
    index("ledger_entry_transaction").on(t.transactionId),
  ],
);
