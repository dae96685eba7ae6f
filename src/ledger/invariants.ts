import { sql } from "drizzle-orm";
import { query, type Database } from "../db/client";

/**
 * Every way the ledger could be wrong, checked from scratch over all rows (tests after each case,
 * benchmarks after a run; an operator may run it too). Answers a description of each violation;
 * none means: every transaction balances per currency, every cached balance equals its entries and
 * every balance_after the running sum, no member balance has the wrong sign, and each member's
 * hold equals their open withdrawals.
 */
export async function findLedgerViolations(db: Database): Promise<string[]> {
  const checks: [string, ReturnType<typeof sql>][] = [
    [
      "transaction does not balance",
      sql`select transaction_id || ' ' || currency || ' sums to ' || sum(amount) as v from ledger_entry group by transaction_id, currency having sum(amount) <> 0`,
    ],
    [
      "cached balance differs from its entries",
      sql`select a.id || ' caches ' || a.balance || ' but entries sum to ' || coalesce(e.total, 0) as v
          from ledger_account a left join (select account_id, sum(amount) as total from ledger_entry group by account_id) e on e.account_id = a.id
          where a.balance is not null and a.balance <> coalesce(e.total, 0)`,
    ],
    [
      "balance_after is not the running balance",
      sql`select id || ' says ' || coalesce(balance_after::text, 'null') || ', running balance ' || coalesce(running::text, 'null') as v from (
            select e.id, e.balance_after, case when a.balance is not null then sum(e.amount) over (partition by e.account_id order by e.id) end as running
            from ledger_entry e join ledger_account a on a.id = e.account_id) r
          where balance_after is distinct from running`,
    ],
    [
      "member balance has the wrong sign",
      sql`select id || ' ' || kind || ' ' || balance as v from ledger_account
          where (kind in ('member_available', 'member_hold') and balance < 0) or (kind = 'member_receivable' and balance > 0)`,
    ],
    [
      "hold differs from open withdrawals",
      sql`select coalesce(h.member_id, w.member_id) || ' ' || coalesce(h.currency, w.currency) || ' holds ' || coalesce(h.balance, 0) || ', open withdrawals ' || coalesce(w.total, 0) as v
          from (select member_id, currency, balance from ledger_account where kind = 'member_hold' and balance <> 0) h
          full join (select member_id, currency, sum(amount) as total from withdrawal where status in ('pending', 'approved') group by member_id, currency) w
            on w.member_id = h.member_id and w.currency = h.currency
          where coalesce(h.balance, 0) <> coalesce(w.total, 0)`,
    ],
  ];
  const found = await Promise.all(checks.map(async ([name, statement]) => (await query<{ v: string }>(db, statement)).map((row) => `${name}: ${row.v}`)));
  return found.flat();
}
