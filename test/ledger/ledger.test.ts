import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { database, query, type Database } from "../../src/db/client";
import { violatedConstraint } from "../../src/db/pg-error";
import { AppError } from "../../src/errors";
import { companyAccount, lockMemberAccount, lockMemberAccounts, type LedgerAccount, type MemberAccounts } from "../../src/ledger/accounts";
import { postTransaction } from "../../src/ledger/post";
import { Dec } from "../../src/money/decimal";
import { createMember } from "../support/fixtures";
import { expectLedgerInvariants } from "../support/ledger-invariants";

afterEach(expectLedgerInvariants);

const db = await database();
let keys = 0;
const key = () => `test:${process.pid}:${(keys += 1)}`;

/** A bonus paid straight into a member's available balance. */
async function credit(tx: Database, accounts: MemberAccounts, amount: string) {
  const expense = await companyAccount(tx, "bonus_expense", accounts.available.currency);
  return postTransaction(tx, {
    key: key(),
    kind: "commission_payout",
    reference: "test credit",
    entries: [
      { account: expense, amount: new Dec(amount).negated() },
      { account: accounts.available, amount: new Dec(amount) },
    ],
  });
}

/** A wallet purchase: available balance to the company's order revenue. */
const paymentOf = (accounts: MemberAccounts, revenue: LedgerAccount, amount: string, naturalKey = key()) => ({
  key: naturalKey,
  kind: "order_payment" as const,
  reference: "test order",
  entries: [
    { account: accounts.available, amount: new Dec(amount).negated() },
    { account: revenue, amount: new Dec(amount) },
  ],
});
const revenue = await companyAccount(db, "order_revenue", "MXN");

async function newAccounts() {
  const member = await createMember();
  return db.transaction((tx) => lockMemberAccount(tx, { memberId: member.id, currency: "MXN" }));
}

const balanceOf = async (accountId: number) =>
  (await query<{ balance: string }>(db, sql`select balance::text as balance from ledger_account where id = ${accountId}`))[0]!.balance;

/** The database error a raw statement raises, as the constraint it names. */
async function refusal(statement: ReturnType<typeof sql>): Promise<string | undefined> {
  try {
    await db.execute(statement);
  } catch (error) {
    return violatedConstraint(error);
  }
  throw new Error("the statement was accepted");
}

describe("posting a transaction", () => {
  it("moves balances by its entries and records the balance after each", async () => {
    const accounts = await newAccounts();
    await db.transaction((tx) => credit(tx, accounts, "1000.00"));
    const posted = await db.transaction((tx) => postTransaction(tx, paymentOf(accounts, revenue, "300.25")));
    expect(await balanceOf(accounts.available.id)).toBe("699.75");
    const entries = await query<{ account: string; amount: string; after: string | null }>(
      db,
      sql`select account_id::text as account, amount::text as amount, balance_after::text as after from ledger_entry where transaction_id = ${posted.id} order by id`,
    );
    expect(entries).toEqual([
      { account: String(accounts.available.id), amount: "-300.25", after: "699.75" },
      // Company accounts are never locked, so they keep no running balance.
      { account: String(revenue.id), amount: "300.25", after: null },
    ]);
  });

  it("posts the same business event once: a second posting of the key returns the first", async () => {
    const accounts = await newAccounts();
    await db.transaction((tx) => credit(tx, accounts, "500.00"));
    const first = await db.transaction((tx) => postTransaction(tx, paymentOf(accounts, revenue, "100.00", "order:test:payment")));
    const again = await db.transaction((tx) => postTransaction(tx, paymentOf(accounts, revenue, "250.00", "order:test:payment")));
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, key: "order:test:payment", created: false });
    expect(await balanceOf(accounts.available.id)).toBe("400.00");
  });

  it("refuses an overdraft with a business error, leaving nothing written", async () => {
    const accounts = await newAccounts();
    await db.transaction((tx) => credit(tx, accounts, "100.00"));
    const attempt = db.transaction((tx) => postTransaction(tx, paymentOf(accounts, revenue, "100.01", "overdraft")));
    await expect(attempt).rejects.toMatchObject({ code: "business_rule", message: "Insufficient available balance" });
    expect(await query(db, sql`select 1 from ledger_transaction where natural_key = 'overdraft'`)).toEqual([]);
    expect(await balanceOf(accounts.available.id)).toBe("100.00");
  });

  it("refuses unbalanced entries and sub-cent amounts before they reach the database", async () => {
    const accounts = await newAccounts();
    const unbalanced = { ...paymentOf(accounts, revenue, "1.00"), entries: [{ account: revenue, amount: new Dec("1.00") }] };
    await expect(db.transaction((tx) => postTransaction(tx, unbalanced))).rejects.toThrow(/sum to 1/);
    await expect(db.transaction((tx) => postTransaction(tx, paymentOf(accounts, revenue, "0.001")))).rejects.toThrow(/more than 2 decimal places/);
  });
});

describe("the database itself", () => {
  it("refuses entries that do not balance, whoever writes them", async () => {
    const accounts = await newAccounts();
    await db.transaction((tx) => credit(tx, accounts, "50.00"));
    const [transaction] = await query<{ id: number }>(db, sql`insert into ledger_transaction (natural_key, kind, reference, created_at) values ('raw', 'order_payment', 'raw', now()) returning id`);
    const insert = (paid: string, after: string) =>
      sql`insert into ledger_entry (transaction_id, account_id, currency, amount, balance_after) values
            (${transaction!.id}, ${accounts.available.id}, 'MXN', -10, ${after}), (${transaction!.id}, ${revenue.id}, 'MXN', ${paid}, null)`;
    expect(await refusal(insert("9", "40"))).toBe("ledger_transaction_balanced");
    expect(await refusal(insert("10", "41"))).toBe("ledger_entry_balance_after");
  });

  it("never lets an available balance go negative: a CHECK, not an if", async () => {
    const accounts = await newAccounts();
    const [transaction] = await query<{ id: number }>(db, sql`insert into ledger_transaction (natural_key, kind, reference, created_at) values ('raw-overdraft', 'order_payment', 'raw', now()) returning id`);
    const statement = sql`insert into ledger_entry (transaction_id, account_id, currency, amount, balance_after) values
      (${transaction!.id}, ${accounts.available.id}, 'MXN', -1, -1), (${transaction!.id}, ${revenue.id}, 'MXN', 1, null)`;
    expect(await refusal(statement)).toBe("ledger_account_available_nonnegative");
  });

  it("keeps entries and transactions immutable and cached balances owned by the entries", async () => {
    const accounts = await newAccounts();
    await db.transaction((tx) => credit(tx, accounts, "10.00"));
    expect(await refusal(sql`update ledger_entry set amount = amount * 2`)).toBe("ledger_entry_append_only");
    expect(await refusal(sql`delete from ledger_entry`)).toBe("ledger_entry_append_only");
    expect(await refusal(sql`truncate ledger_entry cascade`)).toBe("ledger_entry_append_only");
    expect(await refusal(sql`update ledger_transaction set reference = 'x'`)).toBe("ledger_transaction_append_only");
    expect(await refusal(sql`delete from ledger_account where id = ${accounts.receivable.id}`)).toBe("ledger_account_append_only");
    expect(await refusal(sql`update ledger_account set balance = 1000000 where id = ${accounts.available.id}`)).toBe("ledger_account_changes_by_entries");
    expect(await refusal(sql`update ledger_account set member_id = null, kind = 'fee_revenue', balance = null where id = ${accounts.hold.id}`)).toBe("ledger_account_changes_by_entries");
    expect(await refusal(sql`insert into ledger_account (kind, member_id, currency, balance) values ('member_available', ${accounts.available.memberId}, 'USD', 5)`)).toBe(
      "ledger_account_opens_at_zero",
    );
  });
});

describe("concurrency (row locks in ascending account id order)", () => {
  it("200 concurrent debits of one balance that covers 3: exactly 3 succeed, none overdraws", async () => {
    const accounts = await newAccounts();
    await db.transaction((tx) => credit(tx, accounts, "300.00"));
    // No balance check in the caller: only the posting's lock and CHECK stand between 200 debits and an overdraft.
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => db.transaction((tx) => postTransaction(tx, paymentOf(accounts, revenue, "100.00")))));
    const refused = results.filter((result) => result.status === "rejected").map((result) => (result as PromiseRejectedResult).reason);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(3);
    expect(refused).toHaveLength(197);
    expect(refused.every((reason) => reason instanceof AppError && reason.code === "business_rule")).toBe(true);
    expect(await balanceOf(accounts.available.id)).toBe("0.00");
  });

  it("transfers in opposite directions between two members never deadlock", async () => {
    const [a, b] = [await newAccounts(), await newAccounts()];
    await db.transaction(async (tx) => {
      await credit(tx, a, "1000.00");
      await credit(tx, b, "1000.00");
    });
    const transfer = (from: MemberAccounts, to: MemberAccounts) =>
      db.transaction((tx) =>
        // The posting locks both members' accounts in one statement, in ascending id order, whichever pays.
        postTransaction(tx, {
          key: key(),
          kind: "order_payment",
          reference: "transfer",
          entries: [
            { account: from.available, amount: new Dec("-1.00") },
            { account: to.available, amount: new Dec("1.00") },
          ],
        }),
      );
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => (i % 2 ? transfer(a, b) : transfer(b, a))));
    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    expect([await balanceOf(a.available.id), await balanceOf(b.available.id)]).toEqual(["1000.00", "1000.00"]);
  });

  it("transactions opening the same new members' accounts at once, in any order, never deadlock", async () => {
    const expense = await companyAccount(db, "bonus_expense", "MXN");
    for (let round = 0; round < 3; round += 1) {
      const members = await Promise.all(Array.from({ length: 8 }, () => createMember()));
      // Each transaction credits a different overlapping subset, named in a different order.
      const subsets = Array.from({ length: 40 }, (_, i) => [0, 3, 5, 6].map((offset) => members[(i + offset * (1 + (i % 3))) % members.length]!).reverse());
      const results = await Promise.allSettled(
        subsets.map((subset) =>
          db.transaction(async (tx) => {
            const accounts = await lockMemberAccounts(tx, subset.map((member) => ({ memberId: member.id, currency: "MXN" })));
            const credits = [...accounts.values()].map((owned) => ({ account: owned.available, amount: new Dec("1.00") }));
            return postTransaction(tx, {
              key: key(),
              kind: "commission_payout",
              reference: "overlapping credit",
              entries: [...credits, { account: expense, amount: new Dec(-credits.length) }],
            });
          }),
        ),
      );
      expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    }
  });
});
