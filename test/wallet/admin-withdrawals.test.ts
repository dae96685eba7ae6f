import { and, eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import approveFunction from "../../netlify/functions/admin-withdrawal-approve";
import processFunction from "../../netlify/functions/admin-withdrawal-process";
import rejectFunction from "../../netlify/functions/admin-withdrawal-reject";
import listFunction from "../../netlify/functions/admin-withdrawals";
import walletFunction from "../../netlify/functions/wallet";
import createFunction from "../../netlify/functions/wallet-withdrawal-create";
import { auditLogTable } from "../../src/audit/audit.sql";
import { database, query } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { expectProblem, setClock } from "../auth/helpers";
import { createMember, staffToken, type TestMember } from "../support/fixtures";
import { call } from "../support/http";
import { expectLedgerInvariants } from "../support/ledger-invariants";
import { addTestBankAccount, CURRENCY_OF, fundWallet } from "../support/money";

afterEach(async () => {
  delete process.env.APP_NOW;
  await expectLedgerInvariants();
});

const db = await database();
let finance: string;
beforeAll(async () => {
  finance = await staffToken("finance");
});

async function withdrawal(country: "MX" | "US" | "CO", funded: string, amount: string): Promise<{ member: TestMember; id: number }> {
  const member = await createMember({ country });
  const currency = CURRENCY_OF[country]!;
  await fundWallet(member.id, funded, currency);
  const bank = await addTestBankAccount(member);
  const created = await call(createFunction, { method: "POST", path: "/api/wallet/withdrawals", token: member.token, body: { amount: { amount, currency }, bankAccountId: bank.id } });
  expect(created.status).toBe(201);
  return { member, id: created.body.id };
}

const act = (fn: typeof approveFunction, id: number | string, token = finance, body?: unknown) =>
  call(fn, { method: "POST", path: `/api/admin/withdrawals/${id}/x`, token, params: { id: String(id) }, body });
const list = (search: string, token = finance) => call(listFunction, { path: `/api/admin/withdrawals${search}`, token });
/** A company account's balance: the sum of its entries (company accounts keep no cache). */
const companyBalance = async (kind: string, currency: string) =>
  (
    await query<{ total: string }>(
      db,
      sql`select coalesce(sum(e.amount), 0)::text as total from ledger_entry e join ledger_account a on a.id = e.account_id where a.kind = ${kind} and a.currency = ${currency}`,
    )
  )[0]!.total;

describe("staff routes are for finance and above", () => {
  it("a member gets 403 on every staff withdrawal route, and so does support", async () => {
    const { member, id } = await withdrawal("MX", "1000.00", "600.00");
    const support = await staffToken("support");
    for (const token of [member.token, support]) {
      expectProblem(await list("", token), 403);
      expectProblem(await act(approveFunction, id, token), 403);
      expectProblem(await act(rejectFunction, id, token, { reason: "no" }), 403);
      expectProblem(await act(processFunction, id, token), 403);
    }
    expectProblem(await call(listFunction, { path: "/api/admin/withdrawals" }), 401);
  });

  it("staff cannot decide on their own withdrawal", async () => {
    const financeMember = await createMember({ country: "MX", role: "finance" });
    await fundWallet(financeMember.id, "1000.00", "MXN");
    const bank = await addTestBankAccount(financeMember);
    const own = await call(createFunction, { method: "POST", path: "/api/wallet/withdrawals", token: financeMember.token, body: { amount: { amount: "600.00", currency: "MXN" }, bankAccountId: bank.id } });
    expectProblem(await act(approveFunction, own.body.id, financeMember.token), 403);
  });
});

describe("approve, process and reject", () => {
  it("approve then process: the hold leaves as net to payout clearing and fee to fee revenue, each step audited", async () => {
    const clearingBefore = await companyBalance("payout_clearing", "USD");
    const feesBefore = await companyBalance("fee_revenue", "USD");
    const { member, id } = await withdrawal("US", "300.00", "100.00");
    const approved = await act(approveFunction, id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", approvedAt: expect.any(String) });
    const processed = await act(processFunction, id);
    expect(processed.body).toMatchObject({ status: "processed", processedAt: expect.any(String), net: { amount: "99.00", currency: "USD" } });
    expect((await call(walletFunction, { path: "/api/wallet", token: member.token })).body).toMatchObject({
      available: { amount: "200.00", currency: "USD" },
      onHold: { amount: "0.00", currency: "USD" },
    });
    expect(new Dec(await companyBalance("payout_clearing", "USD")).minus(clearingBefore).toFixed(2)).toBe("99.00");
    expect(new Dec(await companyBalance("fee_revenue", "USD")).minus(feesBefore).toFixed(2)).toBe("1.00");
    const audit = await db
      .select({ action: auditLogTable.action, before: auditLogTable.before, after: auditLogTable.after, actorId: auditLogTable.actorId })
      .from(auditLogTable)
      .where(and(eq(auditLogTable.entityType, "withdrawal"), eq(auditLogTable.entityId, String(id))))
      .orderBy(auditLogTable.id);
    expect(audit).toEqual([
      { action: "withdrawal.approve", before: { status: "pending" }, after: { status: "approved" }, actorId: expect.any(Number) },
      { action: "withdrawal.process", before: { status: "approved" }, after: { status: "processed" }, actorId: expect.any(Number) },
    ]);
  });

  it("reject needs a reason and returns the hold to the available balance", async () => {
    const { member, id } = await withdrawal("CO", "500000.00", "150000.00");
    expectProblem(await act(rejectFunction, id), 415);
    expectProblem(await act(rejectFunction, id, finance, {}), 400, "reason");
    expectProblem(await act(rejectFunction, id, finance, { reason: "   " }), 400, "reason");
    const rejected = await act(rejectFunction, id, finance, { reason: "Holder name does not match" });
    expect(rejected.body).toMatchObject({ status: "rejected", rejectReason: "Holder name does not match", fee: { amount: "4000.00", currency: "COP" } });
    expect((await call(walletFunction, { path: "/api/wallet", token: member.token })).body).toMatchObject({ available: { amount: "500000.00" }, onHold: { amount: "0.00" } });
  });

  it("an illegal transition is 409 with the current state; an unknown withdrawal is 404", async () => {
    const { id } = await withdrawal("MX", "1000.00", "600.00");
    const early = await act(processFunction, id);
    expectProblem(early, 409);
    expect(early.body.currentStatus).toBe("pending");
    await act(approveFunction, id);
    expect((await act(approveFunction, id)).body.currentStatus).toBe("approved");
    await act(processFunction, id);
    const late = await act(rejectFunction, id, finance, { reason: "too late" });
    expectProblem(late, 409);
    expect(late.body).toMatchObject({ currentStatus: "processed", detail: "The withdrawal is processed; it cannot be rejected" });
    expectProblem(await act(approveFunction, 999999999), 404);
    expectProblem(await act(approveFunction, "12x"), 400);
  });
});

describe("GET /api/admin/withdrawals", () => {
  it("filters by status, country, member, window and amount; sorts and pages", async () => {
    setClock("2025-05-02T15:00:00.000Z");
    const mx = await withdrawal("MX", "5000.00", "800.00");
    const us = await withdrawal("US", "500.00", "40.00");
    setClock("2025-05-03T15:00:00.000Z");
    const mx2 = await withdrawal("MX", "5000.00", "2500.00");
    await act(approveFunction, mx2.id);
    delete process.env.APP_NOW;
    const ids = async (search: string) => {
      const response = await list(search);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.items.map((item: { id: number }) => item.id);
    };
    const window = "from=2025-05-02T00:00:00Z&to=2025-05-04T00:00:00Z";
    expect(await ids(`?${window}&sort=createdAt`)).toEqual([mx.id, us.id, mx2.id]);
    expect(await ids(`?${window}&status=approved`)).toEqual([mx2.id]);
    expect(await ids(`?${window}&country=US`)).toEqual([us.id]);
    expect(await ids(`?memberCode=${mx.member.memberCode.toLowerCase()}`)).toEqual([mx.id]);
    expect(await ids(`?${window}&minAmount=500&maxAmount=2500&sort=-amount`)).toEqual([mx2.id, mx.id]);
    expect(await ids(`?from=2025-05-03T00:00:00Z&to=2025-05-04T00:00:00Z`)).toEqual([mx2.id]);
    expect(await ids(`?${window}&flagged=true&sort=createdAt`)).toEqual([mx.id, us.id, mx2.id]);
    const paged = await list(`?${window}&sort=createdAt&page=2&pageSize=2`);
    expect(paged.body).toMatchObject({ page: 2, pageSize: 2, total: 3, items: [{ id: mx2.id, member: { memberCode: mx2.member.memberCode, country: "MX" } }] });
    expect(JSON.stringify(paged.body)).not.toContain("002010077777777771");
  });

  it("refuses bad filters with 400", async () => {
    expectProblem(await list("?status=paid"), 400, "status");
    expectProblem(await list("?minAmount=abc"), 400, "minAmount");
    expectProblem(await list("?sort=member"), 400, "sort");
    expectProblem(await list("?from=2025-05-04T00:00:00Z&to=2025-05-03T00:00:00Z"), 400, "to");
    expectProblem(await list("?pageSize=500"), 400, "pageSize");
    expectProblem(await list("?hack=1"), 400);
  });
});
