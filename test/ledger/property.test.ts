import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reverseCommissionLine } from "../../src/commissions/revoke";
import { database } from "../../src/db/client";
import { AppError } from "../../src/errors";
import { memberBalances } from "../../src/ledger/accounts";
import { memberTable } from "../../src/members/members.sql";
import { findLedgerViolations } from "../../src/ledger/invariants";
import { Dec, round2 } from "../../src/money/decimal";
import { getPlan } from "../../src/plan/plan";
import { runPayouts } from "../../src/payouts/payouts";
import { approveWithdrawal, cancelWithdrawal, processWithdrawal, rejectWithdrawal } from "../../src/wallet/transitions";
import { requestWithdrawal } from "../../src/wallet/withdrawals";
import { setClock } from "../auth/helpers";
import { createMember } from "../support/fixtures";
import { addTestBankAccount, giveCommission } from "../support/money";

// Random sequences of credits, negative lines, withdrawals and their transitions, and clawbacks,
// run against the real database and a plain model of one member's wallet: after every step the
// ledger's invariants hold and the balances are the model's.

type Op =
  | { kind: "credit" | "negative" | "withdraw"; cents: number }
  | { kind: "approve" | "process" | "reject" | "cancel" }
  | { kind: "clawback"; pick: number; percent: number };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant("credit" as const), cents: fc.integer({ min: 1, max: 300_000 }) }),
    fc.record({ kind: fc.constant("negative" as const), cents: fc.integer({ min: 1, max: 100_000 }) }),
    fc.record({ kind: fc.constant("withdraw" as const), cents: fc.integer({ min: 40_000, max: 300_000 }) }),
    fc.record({ kind: fc.constantFrom("approve" as const, "process" as const, "reject" as const, "cancel" as const) }),
    fc.record({ kind: fc.constant("clawback" as const), pick: fc.nat(), percent: fc.integer({ min: 1, max: 100 }) }),
  ),
  { minLength: 1, maxLength: 12 },
);

const db = await database();
let staffId: number;
beforeAll(async () => {
  setClock("2025-06-15T18:00:00.000Z");
  [{ id: staffId }] = (await db.select({ id: memberTable.id }).from(memberTable).where(eq(memberTable.email, "finance@nnprotect.local"))) as [{ id: number }];
});
afterAll(() => {
  delete process.env.APP_NOW;
});

/** The outcome class of a core call: ok, or the error code it was refused with. */
async function outcome(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return "ok";
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe("the wallet under random sequences of operations", () => {
  it("keeps every ledger invariant and matches a plain model after each step", async () => {
    const plan = await getPlan(db);
    const staff = { memberId: staffId, requestId: "property" };
    await fc.assert(
      fc.asyncProperty(ops, async (sequence) => {
        const member = await createMember({ country: "MX" });
        const bank = await addTestBankAccount(member);
        const model = { available: new Dec(0), hold: new Dec(0), owed: new Dec(0) };
        const paidLines: { id: number; left: Dec }[] = [];
        let last: { id: number; amount: Dec; status: string } | undefined;
        const debit = (amount: Dec) => {
          const taken = Dec.min(amount, model.available);
          model.available = model.available.minus(taken);
          model.owed = model.owed.plus(amount.minus(taken));
        };
        for (const op of sequence) {
          if (op.kind === "credit" || op.kind === "negative") {
            const amount = new Dec(op.cents).div(100);
            const line = await giveCommission(member.id, (op.kind === "credit" ? amount : amount.negated()).toFixed(2), "MXN");
            await runPayouts(db);
            if (op.kind === "negative") debit(amount);
            else {
              const repaid = Dec.min(amount, model.owed);
              model.owed = model.owed.minus(repaid);
              model.available = model.available.plus(amount.minus(repaid));
              paidLines.push({ id: line.id, left: amount });
            }
          } else if (op.kind === "withdraw") {
            const amount = new Dec(op.cents).div(100);
            let id = 0;
            const result = await outcome(async () => {
              id = (await db.transaction((tx) => requestWithdrawal(tx, plan, member.id, { amount: { amount: amount.toFixed(2), currency: "MXN" }, bankAccountId: bank.id }))).id;
            });
            const open = last?.status === "pending" || last?.status === "approved";
            const expected = amount.lessThan(500) ? "business_rule" : open ? "conflict" : amount.greaterThan(model.available) ? "business_rule" : "ok";
            expect(result).toBe(expected);
            if (result === "ok") {
              model.available = model.available.minus(amount);
              model.hold = model.hold.plus(amount);
              last = { id, amount, status: "pending" };
            }
          } else if (op.kind === "clawback") {
            const candidates = paidLines.filter((line) => line.left.greaterThan(0));
            if (candidates.length === 0) continue;
            const line = candidates[op.pick % candidates.length]!;
            const amount = Dec.max(round2(line.left.times(op.percent).div(100)), "0.01");
            await reverseCommissionLine(db, line.id, { key: `clawback:${Math.random()}`, amount });
            line.left = line.left.minus(amount);
            debit(amount);
          } else if (last) {
            const legal = { approve: ["pending"], process: ["approved"], reject: ["pending", "approved"], cancel: ["pending"] }[op.kind].includes(last.status);
            const id = last.id;
            const act = {
              approve: () => approveWithdrawal(db, staff, id),
              process: () => processWithdrawal(db, staff, id),
              reject: () => rejectWithdrawal(db, staff, id, "property test"),
              cancel: () => cancelWithdrawal(db, member.id, id),
            }[op.kind];
            expect(await outcome(act)).toBe(legal ? "ok" : "conflict");
            if (legal) {
              last.status = { approve: "approved", process: "processed", reject: "rejected", cancel: "cancelled" }[op.kind];
              if (op.kind !== "approve") model.hold = model.hold.minus(last.amount);
              if (op.kind === "reject" || op.kind === "cancel") model.available = model.available.plus(last.amount);
            }
          }
          expect(await findLedgerViolations(db)).toEqual([]);
          const balances = await memberBalances(db, { memberId: member.id, currency: "MXN" });
          expect([balances.available, balances.hold, balances.receivable.negated()].map((value) => value.toFixed(2))).toEqual(
            [model.available, model.hold, model.owed].map((value) => value.toFixed(2)),
          );
        }
      }),
      { numRuns: 25 },
    );
  });
});
