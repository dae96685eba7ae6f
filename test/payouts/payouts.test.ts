import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import payoutsFunction from "../../netlify/functions/payouts";
import walletFunction from "../../netlify/functions/wallet";
import walletTransactionsFunction from "../../netlify/functions/wallet-transactions";
import { now } from "../../src/clock";
import { commissionLineTable } from "../../src/commissions/commissions.sql";
import { reverseCommissionLine } from "../../src/commissions/revoke";
import { database, query } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { runPayouts } from "../../src/payouts/payouts";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";
import { expectLedgerInvariants } from "../support/ledger-invariants";
import { addTestBankAccount, fundWallet, giveCommission } from "../support/money";
import { requestWithdrawal } from "../../src/wallet/withdrawals";
import { getPlan } from "../../src/plan/plan";

afterEach(expectLedgerInvariants);

const db = await database();
const wallet = async (token: string) => (await call(walletFunction, { path: "/api/wallet", token })).body;
const lineStatus = async (id: number) => (await db.select().from(commissionLineTable).where(eq(commissionLineTable.id, id)))[0]!;

describe("the payouts job", () => {
  it("posts every payable line once and leaves lines still in their hold pending", async () => {
    const member = await createMember();
    const due = [await giveCommission(member.id, "100.10", "MXN"), await giveCommission(member.id, "50.05", "MXN")];
    const later = await giveCommission(member.id, "999.00", "MXN", { payableAt: new Date(now().getTime() + 3_600_000) });
    const response = await call(payoutsFunction, { method: "POST", path: "/.netlify/functions/payouts" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ done: true, lines: 2, transactions: 1 });
    for (const line of due) expect(await lineStatus(line.id)).toMatchObject({ status: "paid", paidAt: expect.any(Date), paidTransactionId: expect.any(Number) });
    expect(await lineStatus(later.id)).toMatchObject({ status: "pending", paidAt: null });
    expect(await wallet(member.token)).toEqual({
      currency: "MXN",
      available: { amount: "150.15", currency: "MXN" },
      onHold: { amount: "0.00", currency: "MXN" },
      receivable: { amount: "0.00", currency: "MXN" },
    });
    // A second run finds nothing more to pay.
    expect((await call(payoutsFunction, { method: "POST", path: "/.netlify/functions/payouts" })).body).toMatchObject({ done: true, lines: 0 });
  });

  it("two runs at once post each commission exactly once", async () => {
    const members = await Promise.all(Array.from({ length: 12 }, () => createMember()));
    const lines = [];
    for (let i = 0; i < 240; i += 1) lines.push(await giveCommission(members[i % members.length]!.id, `${(i % 7) + 1}.25`, "MXN"));
    // Small batches so the two runs interleave batch after batch.
    const [first, second] = await Promise.all([runPayouts(db, { batchSize: 9 }), runPayouts(db, { batchSize: 9 })]);
    expect(first.lines + second.lines).toBe(240);
    expect(first.lines).toBeGreaterThan(0);
    expect(second.lines).toBeGreaterThan(0);
    const ids = `{${lines.map((line) => line.id).join(",")}}`;
    const [counts] = await query<{ paid: number; postings: number }>(
      db,
      sql`select count(*) filter (where status = 'paid')::int as paid, count(distinct paid_transaction_id)::int as postings from commission_line where id = any(${ids}::bigint[])`,
    );
    expect(counts!.paid).toBe(240);
    for (const member of members) {
      const expected = lines.filter((line) => line.receiverId === member.id).reduce((sum, line) => sum.plus(line.amount), new Dec(0));
      expect((await wallet(member.token)).available.amount).toBe(expected.toFixed(2));
    }
  });

  it("stops at its time budget and resumes on the next invocation", async () => {
    const member = await createMember();
    for (let i = 0; i < 5; i += 1) await giveCommission(member.id, "10.00", "MXN");
    const cut = await runPayouts(db, { batchSize: 2, budgetMs: 0, workers: 1 });
    expect(cut).toMatchObject({ done: false, lines: 2, batches: 1 });
    expect(await runPayouts(db, { batchSize: 2 })).toMatchObject({ done: true, lines: 3 });
    expect((await wallet(member.token)).available.amount).toBe("50.00");
  });
});

describe("clawbacks", () => {
  it("a clawback larger than the balance leaves a receivable that the next commission repays first", async () => {
    const member = await createMember();
    const line = await fundWallet(member.id, "800.00", "MXN");
    // The member moves 600.00 to a withdrawal hold; then the order behind the 800.00 commission is refunded.
    const bank = await addTestBankAccount(member);
    await db.transaction(async (tx) => requestWithdrawal(tx, await getPlan(db), member.id, { amount: { amount: "600.00", currency: "MXN" }, bankAccountId: bank.id }));
    expect(await reverseCommissionLine(db, line.id, { key: "refund:re_1" })).toMatchObject({ status: "reversed", revokedAmount: "800.00" });
    // The 200.00 available is taken; the 600.00 beyond it is owed (the hold is not touched).
    expect(await wallet(member.token)).toMatchObject({ available: { amount: "0.00" }, onHold: { amount: "600.00" }, receivable: { amount: "600.00" } });

    // The next commission, 650.00, repays the 600.00 owed first; 50.00 reaches the balance.
    await fundWallet(member.id, "650.00", "MXN");
    expect(await wallet(member.token)).toMatchObject({ available: { amount: "50.00" }, receivable: { amount: "0.00" } });
    const history = await call(walletTransactionsFunction, { path: "/api/wallet/transactions", token: member.token });
    expect(history.body.items.map((item: { kind: string; amount: { amount: string }; balanceAfter: { amount: string } }) => [item.kind, item.amount.amount, item.balanceAfter.amount])).toEqual([
      ["commission_payout", "50.00", "50.00"],
      ["commission_clawback", "-200.00", "0.00"],
      ["withdrawal_hold", "-600.00", "200.00"],
      ["commission_payout", "800.00", "800.00"],
    ]);
    expect(history.body).toMatchObject({ page: 1, pageSize: 20, total: 4 });
  });

  it("a reversal replayed with the same key claws back once; partial reversals add up", async () => {
    const member = await createMember();
    const line = await fundWallet(member.id, "100.00", "MXN");
    await reverseCommissionLine(db, line.id, { key: "refund:partial", amount: new Dec("40.00") });
    await reverseCommissionLine(db, line.id, { key: "refund:partial", amount: new Dec("40.00") });
    expect(await lineStatus(line.id)).toMatchObject({ status: "paid", revokedAmount: "40.00" });
    expect(await reverseCommissionLine(db, line.id, { key: "refund:rest" })).toMatchObject({ status: "reversed", revokedAmount: "100.00" });
    expect((await wallet(member.token)).available.amount).toBe("0.00");
  });

  it("a negative line (a refund's share of a closed period) debits the balance when paid, the excess becoming a receivable", async () => {
    const member = await createMember();
    await fundWallet(member.id, "30.00", "MXN");
    await fundWallet(member.id, "-45.50", "MXN");
    expect(await wallet(member.token)).toMatchObject({ available: { amount: "0.00" }, receivable: { amount: "15.50" } });
  });
});
