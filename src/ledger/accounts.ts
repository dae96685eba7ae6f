import { sql } from "drizzle-orm";
import { intArray, textArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { Dec } from "../money/decimal";
import { MEMBER_ACCOUNT_KINDS, type AccountKind, type CompanyAccountKind } from "./ledger.sql";

export interface LedgerAccount {
  id: number;
  kind: AccountKind;
  memberId: number | null;
  currency: string;
  /** Cached balance as locked; null for company accounts (never locked, never cached). */
  balance: Dec | null;
}

/** A member's three accounts in one currency. */
export interface MemberAccounts {
  available: LedgerAccount;
  hold: LedgerAccount;
  receivable: LedgerAccount;
}

export interface AccountOwner {
  memberId: number;
  currency: string;
}

const ownerKey = (owner: AccountOwner) => `${owner.memberId}:${owner.currency}`;

interface AccountRow {
  /** bigint: the driver answers a string. */
  id: string;
  kind: AccountKind;
  memberId: number | null;
  currency: string;
  balance: string | null;
}

const toAccount = (row: AccountRow): LedgerAccount => ({ ...row, id: Number(row.id), balance: row.balance === null ? null : new Dec(row.balance) });

/**
 * Locks these members' accounts FOR UPDATE in ascending id order, opening any that are missing
 * first: every transaction that moves a member's money takes these locks first, in this one order
 * (decision 002). Opening comes before any lock so that a transaction waiting on another's new,
 * uncommitted account never holds a lock that one needs.
 */
export async function lockMemberAccounts(db: Database, owners: AccountOwner[]): Promise<Map<string, MemberAccounts>> {
  const unique = [...new Map(owners.map((owner) => [ownerKey(owner), owner])).values()];
  if (unique.length === 0) return new Map();
  const pairs = sql`unnest(${intArray(unique.map((owner) => owner.memberId))}, ${textArray(unique.map((owner) => owner.currency))}) as o(member_id, currency)
    cross join unnest(${textArray(MEMBER_ACCOUNT_KINDS)}) as k(kind)`;
  // The lateral subqueries (kept apart by OFFSET 0) probe each account by its full unique key, which
  // the planner knows returns at most one row: one index probe per account whatever the statistics
  // say (a misestimate would otherwise scan every account, or JIT-compile, while holding locks).
  // A member's accounts in a currency are opened together: probing one of the three tells.
  await db.execute(sql`
    insert into ledger_account (kind, member_id, currency, balance)
    select k.kind, o.member_id, o.currency, 0
    from unnest(${intArray(unique.map((owner) => owner.memberId))}, ${textArray(unique.map((owner) => owner.currency))}) as o(member_id, currency)
    left join lateral (
      select true as found from ledger_account x
      where x.member_id = o.member_id and x.kind = 'member_available' and x.currency = o.currency::char(3) offset 0
    ) a on true
    cross join unnest(${textArray(MEMBER_ACCOUNT_KINDS)}) as k(kind)
    where a.found is null
    order by o.member_id, o.currency, k.kind
    on conflict do nothing`);
  const rows = await query<AccountRow>(
    db,
    sql`select id, kind, member_id as "memberId", currency, balance::text as balance from ledger_account
        where id = any(array(
          select a.id from ${pairs}
          cross join lateral (
            select id from ledger_account x where x.member_id = o.member_id and x.kind = k.kind and x.currency = o.currency::char(3) offset 0
          ) a))
        order by id for update`,
  );
  const byOwner = new Map<string, Partial<Record<AccountKind, LedgerAccount>>>();
  for (const row of rows.map(toAccount)) {
    const key = ownerKey({ memberId: row.memberId!, currency: row.currency });
    byOwner.set(key, { ...byOwner.get(key), [row.kind]: row });
  }
  return new Map(
    unique.map((owner) => {
      const found = byOwner.get(ownerKey(owner));
      if (!found?.member_available || !found.member_hold || !found.member_receivable) throw new Error(`ledger accounts of ${ownerKey(owner)} are missing`);
      return [ownerKey(owner), { available: found.member_available, hold: found.member_hold, receivable: found.member_receivable }];
    }),
  );
}

export async function lockMemberAccount(db: Database, owner: AccountOwner): Promise<MemberAccounts> {
  return (await lockMemberAccounts(db, [owner])).get(ownerKey(owner))!;
}

export const memberAccountsOf = (accounts: Map<string, MemberAccounts>, owner: AccountOwner) => accounts.get(ownerKey(owner))!;

/** A company (house) account: opened on first use, never locked. */
export async function companyAccount(db: Database, kind: CompanyAccountKind, currency: string): Promise<LedgerAccount> {
  const find = () =>
    query<AccountRow>(db, sql`select id, kind, member_id as "memberId", currency, balance from ledger_account where member_id is null and kind = ${kind} and currency = ${currency}`);
  let [row] = await find();
  if (!row) {
    await db.execute(sql`insert into ledger_account (kind, currency) values (${kind}, ${currency}) on conflict do nothing`);
    // A new statement: sees the row whether this transaction or a concurrent one created it.
    [row] = await find();
  }
  if (!row) throw new Error(`could not open the ${kind} account in ${currency}`);
  return toAccount(row);
}

/** Cached balances of a member's accounts in a currency, without locking (zero when never opened). */
export async function memberBalances(db: Database, owner: AccountOwner): Promise<Record<"available" | "hold" | "receivable", Dec>> {
  const rows = await query<{ kind: AccountKind; balance: string }>(
    db,
    sql`select kind, balance::text as balance from ledger_account where member_id = ${owner.memberId} and currency = ${owner.currency}`,
  );
  const balance = (kind: AccountKind) => new Dec(rows.find((row) => row.kind === kind)?.balance ?? 0);
  return { available: balance("member_available"), hold: balance("member_hold"), receivable: balance("member_receivable") };
}
