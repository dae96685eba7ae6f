import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import approveFunction from "../../netlify/functions/admin-withdrawal-approve";
import processFunction from "../../netlify/functions/admin-withdrawal-process";
import rejectFunction from "../../netlify/functions/admin-withdrawal-reject";
import walletFunction from "../../netlify/functions/wallet";
import cancelFunction from "../../netlify/functions/wallet-withdrawal-cancel";
import createFunction from "../../netlify/functions/wallet-withdrawal-create";
import { auditLogTable } from "../../src/audit/audit.sql";
import { resetEnv } from "../../src/config/env";
import { database, query } from "../../src/db/client";
import { withdrawalTable } from "../../src/wallet/wallet.sql";
import { createMember, staffToken, type TestMember } from "../support/fixtures";
import { call, type CallResult } from "../support/http";
import { expectLedgerInvariants } from "../support/ledger-invariants";
import { addTestBankAccount, fundWallet } from "../support/money";

// Enough connections that many requests really are inside the database at once (DATABASE_POOL_MAX).
process.env.DATABASE_POOL_MAX = "25";
resetEnv();

afterEach(expectLedgerInvariants);

const db = await database();
const mxn = (amount: string) => ({ amount, currency: "MXN" });

async function memberWithBalance(amount: string): Promise<TestMember & { bankAccountId: number }> {
  const member = await createMember({ country: "MX" });
  await fundWallet(member.id, amount, "MXN");
  return { ...member, bankAccountId: (await addTestBankAccount(member)).id };
}

const request = (member: TestMember & { bankAccountId: number }, amount: string, key?: string) =>
  call(createFunction, {
    method: "POST",
    path: "/api/wallet/withdrawals",
    token: member.token,
    body: { amount: mxn(amount), bankAccountId: member.bankAccountId },
    headers: key ? { "idempotency-key": key } : {},
  });
const wallet = async (member: TestMember) => (await call(walletFunction, { path: "/api/wallet", token: member.token })).body;
const statuses = (responses: CallResult[]) => responses.map((response) => response.status).sort();

async function pendingWithdrawal() {
  const member = await memberWithBalance("1000.00");
  const created = await request(member, "1000.00");
  return { member, id: created.body.id as number };
}

const finance = await staffToken("finance");
const act = (fn: typeof approveFunction, id: number, body?: unknown) => call(fn, { method: "POST", path: "/x", token: finance, params: { id: String(id) }, body });
const cancel = (member: TestMember, id: number) => call(cancelFunction, { method: "POST", path: "/x", token: member.token, params: { id: String(id) } });
const statusOf = async (id: number) => (await db.select({ status: withdrawalTable.status }).from(withdrawalTable).where(eq(withdrawalTable.id, id)))[0]!.status;

describe("racing withdrawal requests", () => {
  it("200 concurrent requests from one member with a balance for 3: the rules admit one, the rest get 409/422, nothing half-written", async () => {
    const member = await memberWithBalance("3000.00");
    const responses = await Promise.all(Array.from({ length: 200 }, () => request(member, "1000.00")));
    const created = responses.filter((response) => response.status === 201);
    // One open withdrawal at a time: exactly one gets through; no response is a 500.
    expect(created).toHaveLength(1);
    expect(responses.every((response) => [201, 409, 422].includes(response.status))).toBe(true);
    expect(await wallet(member)).toMatchObject({ available: mxn("2000.00"), onHold: mxn("1000.00") });
    const rows = await db.select().from(withdrawalTable).where(eq(withdrawalTable.memberId, member.id));
    expect(rows.map((row) => row.id)).toEqual([created[0]!.body.id]);
    const [holds] = await query<{ count: number }>(db, sql`select count(*)::int as count from ledger_transaction where kind = 'withdrawal_hold' and natural_key = ${`withdrawal:${rows[0]!.id}:hold`}`);
    expect(holds!.count).toBe(1);
  });

  it("the same Idempotency-Key sent 20 times at once creates one withdrawal, and all 20 get the same response", async () => {
    const member = await memberWithBalance("5000.00");
    const responses = await Promise.all(Array.from({ length: 20 }, () => request(member, "1500.00", "same-key-20")));
    expect(statuses(responses)).toEqual(Array(20).fill(201));
    for (const response of responses) expect(response.body).toEqual(responses[0]!.body);
    expect(await db.select().from(withdrawalTable).where(eq(withdrawalTable.memberId, member.id))).toHaveLength(1);
    expect(await wallet(member)).toMatchObject({ available: mxn("3500.00"), onHold: mxn("1500.00") });
  });
});

describe("racing staff and member transitions (each applies after the other, or is refused with the current state)", () => {
  it("approve and reject on one pending withdrawal: exactly one of them decides it", async () => {
    for (let round = 0; round < 8; round += 1) {
      const { member, id } = await pendingWithdrawal();
      const [approve, reject] = await Promise.all([act(approveFunction, id), act(rejectFunction, id, { reason: "Suspicious" })]);
      const decisions = await db
        .select({ action: auditLogTable.action, before: auditLogTable.before })
        .from(auditLogTable)
        .where(and(eq(auditLogTable.entityType, "withdrawal"), eq(auditLogTable.entityId, String(id))))
        .orderBy(auditLogTable.id);
      // Only one transition ever leaves "pending".
      expect(decisions.filter((decision) => (decision.before as { status: string }).status === "pending")).toHaveLength(1);
      if (reject.status === 200 && approve.status === 409) {
        expect(approve.body.currentStatus).toBe("rejected");
        expect(decisions.map((decision) => decision.action)).toEqual(["withdrawal.reject"]);
      } else {
        // Approve won; rejecting an approved withdrawal is itself legal (SPEC.md section 8), so it applied after it.
        expect([approve.status, reject.status]).toEqual([200, 200]);
        expect(decisions.map((decision) => decision.action)).toEqual(["withdrawal.approve", "withdrawal.reject"]);
      }
      // Either way the hold went back exactly once.
      expect(await statusOf(id)).toBe("rejected");
      expect(await wallet(member)).toMatchObject({ available: mxn("1000.00"), onHold: mxn("0.00") });
    }
  });

  it("approve and the member's cancel: exactly one wins, the other is 409 with the winner's state", async () => {
    for (let round = 0; round < 8; round += 1) {
      const { member, id } = await pendingWithdrawal();
      const [approve, cancelled] = await Promise.all([act(approveFunction, id), cancel(member, id)]);
      expect(statuses([approve, cancelled])).toEqual([200, 409]);
      const final = await statusOf(id);
      expect(final).toBe(approve.status === 200 ? "approved" : "cancelled");
      expect((approve.status === 409 ? approve : cancelled).body.currentStatus).toBe(final);
      expect(await wallet(member)).toMatchObject(final === "approved" ? { onHold: mxn("1000.00") } : { available: mxn("1000.00"), onHold: mxn("0.00") });
    }
  });

  it("process and reject on one approved withdrawal: exactly one wins", async () => {
    for (let round = 0; round < 8; round += 1) {
      const { member, id } = await pendingWithdrawal();
      await act(approveFunction, id);
      const [processed, rejected] = await Promise.all([act(processFunction, id), act(rejectFunction, id, { reason: "Bank bounced it" })]);
      expect(statuses([processed, rejected])).toEqual([200, 409]);
      const final = await statusOf(id);
      expect(final).toBe(processed.status === 200 ? "processed" : "rejected");
      expect((await wallet(member)).available).toEqual(mxn(final === "processed" ? "0.00" : "1000.00"));
    }
  });
});
