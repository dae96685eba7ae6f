import { afterEach, describe, expect, it } from "vitest";
import approveFunction from "../../netlify/functions/admin-withdrawal-approve";
import processFunction from "../../netlify/functions/admin-withdrawal-process";
import rejectFunction from "../../netlify/functions/admin-withdrawal-reject";
import walletFunction from "../../netlify/functions/wallet";
import cancelFunction from "../../netlify/functions/wallet-withdrawal-cancel";
import createFunction from "../../netlify/functions/wallet-withdrawal-create";
import getFunction from "../../netlify/functions/wallet-withdrawal";
import listFunction from "../../netlify/functions/wallet-withdrawals";
import { issueAccessToken } from "../../src/auth/tokens";
import { expectProblem, setClock } from "../auth/helpers";
import { createMember, staffToken, type TestMember } from "../support/fixtures";
import { call } from "../support/http";
import { expectLedgerInvariants } from "../support/ledger-invariants";
import { addTestBankAccount, fundWallet } from "../support/money";

afterEach(async () => {
  delete process.env.APP_NOW;
  await expectLedgerInvariants();
});

const HOUR = 3_600_000;
const mxn = (amount: string) => ({ amount, currency: "MXN" });

/** A member with money and a bank account (added now: within the review window). */
async function memberWithBalance(amount: string): Promise<TestMember & { bankAccountId: number }> {
  const member = await createMember({ country: "MX" });
  await fundWallet(member.id, amount, "MXN");
  const bank = await addTestBankAccount(member);
  return { ...member, bankAccountId: bank.id };
}

/** Moves the business clock; access tokens live 15 minutes, so the caller gets a fresh one. */
async function at(instant: string, member: { id: number }): Promise<string> {
  setClock(instant);
  return issueAccessToken({ memberId: member.id, role: "member" });
}

const request = (token: string, body: unknown, key?: string) =>
  call(createFunction, { method: "POST", path: "/api/wallet/withdrawals", token, body, headers: key ? { "idempotency-key": key } : {} });
const staff = async (fn: typeof approveFunction, id: number, body?: unknown) =>
  call(fn, { method: "POST", path: `/api/admin/withdrawals/${id}/x`, token: await staffToken("finance"), params: { id: String(id) }, body });
const wallet = async (token: string) => (await call(walletFunction, { path: "/api/wallet", token })).body;

describe("POST /api/wallet/withdrawals", () => {
  it("moves the whole amount to hold; the fee comes out of it; flagged after a new bank account", async () => {
    const member = await memberWithBalance("2500.00");
    const response = await request(member.token, { amount: mxn("1000.00"), bankAccountId: member.bankAccountId });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      id: expect.any(Number),
      status: "pending",
      amount: mxn("1000.00"),
      fee: mxn("15.00"),
      net: mxn("985.00"),
      flagged: true,
      bankAccount: { id: member.bankAccountId, last4: "7771" },
    });
    expect(await wallet(member.token)).toMatchObject({ available: mxn("1500.00"), onHold: mxn("1000.00") });
    const one = await call(getFunction, { path: `/api/wallet/withdrawals/${response.body.id}`, token: member.token, params: { id: String(response.body.id) } });
    expect(one.body).toEqual(response.body);
  });

  it("flags a request within the review hours of a bank-account change, and only then", async () => {
    const start = "2025-03-01T12:00:00.000Z";
    const member = await createMember({ country: "MX" });
    setClock(start);
    const bank = await addTestBankAccount(member);
    let token = await at(new Date(Date.parse(start) + 24 * HOUR - 60_000).toISOString(), member);
    await fundWallet(member.id, "5000.00", "MXN");
    const inside = await request(token, { amount: mxn("500.00"), bankAccountId: bank.id });
    expect(inside.body.flagged).toBe(true);
    await call(cancelFunction, { method: "POST", path: "/x", token, params: { id: String(inside.body.id) } });
    token = await at(new Date(Date.parse(start) + 24 * HOUR + 60_000).toISOString(), member);
    expect((await request(token, { amount: mxn("500.00"), bankAccountId: bank.id })).body.flagged).toBe(false);
  });

  it("refuses below the minimum, another currency, another member's bank account, and more than the balance (422)", async () => {
    const member = await memberWithBalance("1000.00");
    const other = await memberWithBalance("1000.00");
    expectProblem(await request(member.token, { amount: mxn("499.99"), bankAccountId: member.bankAccountId }), 422, "amount.amount");
    expectProblem(await request(member.token, { amount: { amount: "600.00", currency: "USD" }, bankAccountId: member.bankAccountId }), 422, "amount.currency");
    expectProblem(await request(member.token, { amount: mxn("600.00"), bankAccountId: other.bankAccountId }), 422, "bankAccountId");
    expectProblem(await request(member.token, { amount: mxn("1000.01"), bankAccountId: member.bankAccountId }), 422, "amount.amount");
    expect(await wallet(member.token)).toMatchObject({ available: mxn("1000.00"), onHold: mxn("0.00") });
  });

  it("validates the body (400)", async () => {
    const member = await memberWithBalance("1000.00");
    expectProblem(await request(member.token, { amount: mxn("600.001"), bankAccountId: member.bankAccountId }), 400, "amount.amount");
    expectProblem(await request(member.token, { amount: mxn("600.00"), bankAccountId: String(member.bankAccountId) }), 400, "bankAccountId");
    expectProblem(await request(member.token, { amount: mxn("600.00") }), 400, "bankAccountId");
    expectProblem(await request(member.token, { amount: mxn("-600.00"), bankAccountId: member.bankAccountId }), 400, "amount.amount");
    expectProblem(await call(createFunction, { method: "POST", path: "/api/wallet/withdrawals", body: { amount: mxn("600.00"), bankAccountId: 1 } }), 401);
  });

  it("allows one open withdrawal at a time (409), and another once it is cancelled", async () => {
    const member = await memberWithBalance("3000.00");
    const first = await request(member.token, { amount: mxn("1000.00"), bankAccountId: member.bankAccountId });
    const second = await request(member.token, { amount: mxn("1000.00"), bankAccountId: member.bankAccountId });
    expectProblem(second, 409);
    expect(second.body).toMatchObject({ openWithdrawalId: first.body.id, currentStatus: "pending" });
    await call(cancelFunction, { method: "POST", path: "/x", token: member.token, params: { id: String(first.body.id) } });
    expect((await request(member.token, { amount: mxn("1000.00"), bankAccountId: member.bankAccountId })).status).toBe(201);
  });

  it("limits each Mexico City day to 50,000 MXN of pending, approved and processed withdrawals", async () => {
    const member = await memberWithBalance("150000.00");
    const bankAccountId = member.bankAccountId;
    // 23:00 on 10 March in Mexico City (UTC-6) is 05:00 UTC on the 11th.
    let token = await at("2025-03-11T05:00:00.000Z", member);
    const processed = await request(token, { amount: mxn("30000.00"), bankAccountId });
    expect((await staff(approveFunction, processed.body.id)).status).toBe(200);
    expect((await staff(processFunction, processed.body.id)).status).toBe(200);

    token = await at("2025-03-11T05:30:00.000Z", member);
    const over = await request(token, { amount: mxn("20000.01"), bankAccountId });
    expectProblem(over, 422, "amount.amount");
    expect(over.body.detail).toContain("20000.00 left today");
    // Cancelled and rejected withdrawals do not count.
    const cancelled = await request(token, { amount: mxn("20000.00"), bankAccountId });
    expect((await call(cancelFunction, { method: "POST", path: "/x", token, params: { id: String(cancelled.body.id) } })).body.status).toBe("cancelled");
    const rejected = await request(token, { amount: mxn("20000.00"), bankAccountId });
    expect((await staff(rejectFunction, rejected.body.id, { reason: "Name mismatch" })).body.status).toBe("rejected");
    const pending = await request(token, { amount: mxn("20000.00"), bankAccountId });
    expect(pending.status).toBe(201);
    await staff(approveFunction, pending.body.id);
    await staff(processFunction, pending.body.id);
    expectProblem(await request(token, { amount: mxn("500.00"), bankAccountId }), 422, "amount.amount");

    // 00:10 on the 11th in Mexico City: a new day.
    token = await at("2025-03-11T06:10:00.000Z", member);
    expect((await request(token, { amount: mxn("50000.00"), bankAccountId })).status).toBe(201);
  });

  it("answers the first response again for the same Idempotency-Key; a different body with it is 422", async () => {
    const member = await memberWithBalance("3000.00");
    const body = { amount: mxn("700.00"), bankAccountId: member.bankAccountId };
    const first = await request(member.token, body, "withdraw-1");
    const again = await request(member.token, body, "withdraw-1");
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expectProblem(await request(member.token, { ...body, amount: mxn("800.00") }, "withdraw-1"), 422);
    expect(await wallet(member.token)).toMatchObject({ available: mxn("2300.00"), onHold: mxn("700.00") });
  });
});

describe("a member's own withdrawals", () => {
  it("cancel returns the hold to the balance; a second cancel is 409 with the current status", async () => {
    const member = await memberWithBalance("1200.00");
    const created = await request(member.token, { amount: mxn("1200.00"), bankAccountId: member.bankAccountId });
    const cancel = () => call(cancelFunction, { method: "POST", path: "/x", token: member.token, params: { id: String(created.body.id) } });
    const cancelled = await cancel();
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelledAt: expect.any(String) });
    expect(await wallet(member.token)).toMatchObject({ available: mxn("1200.00"), onHold: mxn("0.00") });
    const again = await cancel();
    expectProblem(again, 409);
    expect(again.body.currentStatus).toBe("cancelled");
  });

  it("another member's withdrawal is 404, to read or to cancel", async () => {
    const owner = await memberWithBalance("1000.00");
    const stranger = await createMember({ country: "MX" });
    const created = await request(owner.token, { amount: mxn("600.00"), bankAccountId: owner.bankAccountId });
    const params = { id: String(created.body.id) };
    expectProblem(await call(getFunction, { path: "/x", token: stranger.token, params }), 404);
    expectProblem(await call(cancelFunction, { method: "POST", path: "/x", token: stranger.token, params }), 404);
    expectProblem(await call(getFunction, { path: "/x", token: owner.token, params: { id: "abc" } }), 400);
    expect((await call(listFunction, { path: "/api/wallet/withdrawals", token: stranger.token })).body).toMatchObject({ items: [], total: 0 });
  });

  it("lists them newest first, filtered by status", async () => {
    const member = await memberWithBalance("3000.00");
    const first = await request(member.token, { amount: mxn("600.00"), bankAccountId: member.bankAccountId });
    await call(cancelFunction, { method: "POST", path: "/x", token: member.token, params: { id: String(first.body.id) } });
    const second = await request(member.token, { amount: mxn("700.00"), bankAccountId: member.bankAccountId });
    const all = await call(listFunction, { path: "/api/wallet/withdrawals", token: member.token });
    expect(all.body.items.map((item: { id: number }) => item.id)).toEqual([second.body.id, first.body.id]);
    const cancelled = await call(listFunction, { path: "/api/wallet/withdrawals?status=cancelled&sort=amount", token: member.token });
    expect(cancelled.body).toMatchObject({ total: 1, items: [{ id: first.body.id, status: "cancelled" }] });
    expectProblem(await call(listFunction, { path: "/api/wallet/withdrawals?status=lost", token: member.token }), 400, "status");
  });
});
