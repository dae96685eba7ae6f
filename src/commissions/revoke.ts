import { and, eq } from "drizzle-orm";
import { now } from "../clock";
import type { Database } from "../db/client";
import { conflict, notFound, refused } from "../errors";
import { companyAccount, lockMemberAccount } from "../ledger/accounts";
import { postTransaction } from "../ledger/post";
import { Dec } from "../money/decimal";
import { commissionLineTable, commissionRevocationTable, type CommissionStatus } from "./commissions.sql";
import type { CommissionLine } from "./lines";
import { memberSettlement } from "./settlement";

export interface Revocation {
  /** The business event taking the money back (e.g. `refund:re_123`): the same key revokes once. */
  key: string;
  /** In the line's (receiver's) currency; default: all that is left of the line. */
  amount?: Dec;
}

/** Takes back a pending line before payout (no money had moved). 409 once it is paid. */
export const cancelCommissionLine = (db: Database, lineId: number, revocation: Revocation) => revoke(db, lineId, revocation, ["pending"]);

/** Claws back a paid line: see memberSettlement (available first, the rest becomes a receivable). 409 while pending. */
export const reverseCommissionLine = (db: Database, lineId: number, revocation: Revocation) => revoke(db, lineId, revocation, ["paid"]);

/** What a refund calls: cancels the line if it is still pending, claws it back if it was paid. */
export const revokeCommissionLine = (db: Database, lineId: number, revocation: Revocation) => revoke(db, lineId, revocation, ["pending", "paid"]);

/**
 * Locks the line first, then (for a clawback) its receiver's accounts: the lock order of every
 * commission path (decision 002). Partial revocations add up on the line until nothing is left.
 */
async function revoke(db: Database, lineId: number, revocation: Revocation, allowed: CommissionStatus[]): Promise<CommissionLine> {
  const [line] = await db.select().from(commissionLineTable).where(eq(commissionLineTable.id, lineId)).for("update");
  if (!line) throw notFound("Commission line");
  const [replayed] = await db
    .select({ id: commissionRevocationTable.id })
    .from(commissionRevocationTable)
    .where(and(eq(commissionRevocationTable.lineId, lineId), eq(commissionRevocationTable.key, revocation.key)));
  if (replayed) return line;
  const remaining = new Dec(line.amount).minus(line.revokedAmount);
  if (remaining.isZero() && revocation.amount === undefined) return line;
  if (!allowed.includes(line.status)) throw conflict(`The commission line is ${line.status}`, { currentStatus: line.status });
  const amount = revocation.amount ?? remaining;
  if (new Dec(line.amount).isNegative()) {
    if (line.status !== "pending" || !amount.equals(remaining)) throw refused("A negative commission line can only be cancelled whole, before payout");
  } else if (amount.decimalPlaces() > 2 || amount.lessThanOrEqualTo(0) || amount.greaterThan(remaining)) {
    throw refused(`The amount to revoke must be more than 0 and at most ${remaining.toFixed(2)} ${line.currency}`);
  }
  const at = now();
  const kind = line.status === "pending" ? "cancel" : "clawback";
  let transactionId: number | null = null;
  if (kind === "clawback") {
    const accounts = await lockMemberAccount(db, { memberId: line.receiverId, currency: line.currency });
    const expense = await companyAccount(db, "bonus_expense", line.currency);
    const posted = await postTransaction(db, {
      key: `commission:${line.id}:clawback:${revocation.key}`,
      kind: "commission_clawback",
      reference: `Commission ${line.id} reversed`,
      entries: [...memberSettlement(accounts, amount.negated()), { account: expense, amount }],
    });
    transactionId = posted.id;
  }
  await db.insert(commissionRevocationTable).values({ lineId, key: revocation.key, kind, amount: amount.toFixed(2), transactionId, createdAt: at });
  const revoked = new Dec(line.revokedAmount).plus(amount);
  const whole = revoked.equals(line.amount);
  const [updated] = await db
    .update(commissionLineTable)
    .set({
      revokedAmount: revoked.toFixed(2),
      revokedAt: at,
      status: whole ? (kind === "cancel" ? "cancelled" : "reversed") : line.status,
    })
    .where(eq(commissionLineTable.id, lineId))
    .returning();
  return updated!;
}

