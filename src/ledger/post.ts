import { sql } from "drizzle-orm";
import { now } from "../clock";
import { bigintArray, numericArray, textArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { violatedConstraint } from "../db/pg-error";
import { refused } from "../errors";
import { Dec } from "../money/decimal";
import type { LedgerAccount } from "./accounts";
import type { TransactionKind } from "./ledger.sql";

export interface EntrySpec {
  account: LedgerAccount;
  /** Adds to the account's balance; entries of a transaction sum to zero per currency. */
  amount: Dec;
}

export interface TransactionSpec {
  /** The business event's natural key (`withdrawal:42:hold`): posting it again posts nothing. */
  key: string;
  kind: TransactionKind;
  reference: string;
  /** Zero-amount entries are dropped; a transaction may end with none (e.g. lines that net to zero). */
  entries: EntrySpec[];
}

export interface PostedTransaction {
  id: number;
  key: string;
  /** False when the key had been posted before: the first posting stands, these entries were ignored. */
  created: boolean;
}

/** A single posting; see postTransactions. */
export async function postTransaction(db: Database, spec: TransactionSpec): Promise<PostedTransaction> {
  const [posted] = await postTransactions(db, [spec]);
  return posted!;
}

/**
 * THE way money moves: posts many transactions in one set-based statement, atomically with the
 * caller's transaction and idempotently by natural key (a key posted before keeps its first
 * transaction; its entries here are ignored). The statement claims the keys, then locks the cached
 * (member) accounts the new entries touch FOR UPDATE in ascending id order, and writes each entry
 * with its balance_after; the database re-checks everything (migration ledger_invariants): each
 * transaction balances per currency, balance_after continues the account's running balance, the
 * cached balance moves by exactly the entries, and no available balance goes below zero (a CHECK:
 * an overdraft is refused with 422 whatever the caller checked before).
 */
export async function postTransactions(db: Database, specs: TransactionSpec[], at = now()): Promise<PostedTransaction[]> {
  if (specs.length === 0) return [];
  const keys = specs.map((spec) => spec.key);
  if (new Set(keys).size !== keys.length) throw new Error("postTransactions: a natural key appears twice in one call");
  const entries = specs.flatMap((spec) => checkedEntries(spec).map((entry) => ({ key: spec.key, ...entry })));
  let claimed: { id: string; key: string }[];
  try {
    claimed = await query<{ id: string; key: string }>(
      db,
      sql`with claimed as (
            insert into ledger_transaction (natural_key, kind, reference, created_at)
            select key, kind, reference, ${at.toISOString()}::timestamptz
            from unnest(${textArray(keys)}, ${textArray(specs.map((s) => s.kind))}, ${textArray(specs.map((s) => s.reference))}) with ordinality as t(key, kind, reference, ord)
            order by ord
            on conflict (natural_key) do nothing
            returning id, natural_key
          ), input as (
            select claimed.id as transaction_id, e.account_id, e.currency, e.amount, e.ord
            from unnest(${textArray(entries.map((e) => e.key))}, ${bigintArray(entries.map((e) => e.account.id))},
                        ${textArray(entries.map((e) => e.account.currency))}, ${numericArray(entries.map((e) => e.amount.toFixed(2)))})
                 with ordinality as e(key, account_id, currency, amount, ord)
            join claimed on claimed.natural_key = e.key
          ), locked as materialized (
            select id, balance from ledger_account
            where id = any(array(select account_id from input)) and balance is not null
            order by id for update
          ), posted as (
            insert into ledger_entry (transaction_id, account_id, currency, amount, balance_after)
            select i.transaction_id, i.account_id, i.currency, i.amount,
                   locked.balance + sum(i.amount) over (partition by i.account_id order by i.ord)
            from input i left join locked on locked.id = i.account_id
            order by i.ord
          )
          select id, natural_key as key from claimed`,
    );
  } catch (error) {
    if (violatedConstraint(error) === "ledger_account_available_nonnegative") throw refused("Insufficient available balance");
    throw error;
  }
  const created = new Map(claimed.map((row) => [row.key, Number(row.id)]));
  const replayed = keys.filter((key) => !created.has(key));
  const earlier = replayed.length
    ? await query<{ id: string; key: string }>(db, sql`select id, natural_key as key from ledger_transaction where natural_key = any(${textArray(replayed)})`)
    : [];
  const existing = new Map(earlier.map((row) => [row.key, Number(row.id)]));
  return keys.map((key) => ({ key, id: created.get(key) ?? existing.get(key)!, created: created.has(key) }));
}

/** Drops zero amounts; refuses sub-cent amounts and unbalanced transactions before the database does. */
function checkedEntries(spec: TransactionSpec): EntrySpec[] {
  const entries = spec.entries.filter((entry) => !entry.amount.isZero());
  const totals = new Map<string, Dec>();
  for (const entry of entries) {
    if (entry.amount.decimalPlaces() > 2) throw new Error(`${spec.key}: ${entry.amount} has more than 2 decimal places`);
    totals.set(entry.account.currency, (totals.get(entry.account.currency) ?? new Dec(0)).plus(entry.amount));
  }
  for (const [currency, total] of totals) if (!total.isZero()) throw new Error(`${spec.key}: entries sum to ${total} ${currency}, not zero`);
  return entries;
}
