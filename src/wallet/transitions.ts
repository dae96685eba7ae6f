import { and, eq } from "drizzle-orm";
import { writeAudit } from "../audit/audit";
import { now } from "../clock";
import type { Database } from "../db/client";
import { AppError, conflict, notFound } from "../errors";
import { companyAccount, lockMemberAccount } from "../ledger/accounts";
import { postTransaction, type EntrySpec } from "../ledger/post";
import { Dec } from "../money/decimal";
import type { WithdrawalView } from "./schemas";
import { withdrawalTable, type WithdrawalStatus } from "./wallet.sql";
import { findWithdrawal, withdrawalView } from "./withdrawal-view";

/** SPEC.md section 8's state machine: the only transitions there are. */
const TRANSITIONS = {
  approve: { from: ["pending"], to: "approved", done: "approved" },
  process: { from: ["approved"], to: "processed", done: "processed" },
  reject: { from: ["pending", "approved"], to: "rejected", done: "rejected" },
  cancel: { from: ["pending"], to: "cancelled", done: "cancelled" },
} as const satisfies Record<string, { from: readonly WithdrawalStatus[]; to: WithdrawalStatus; done: string }>;
type Action = keyof typeof TRANSITIONS;

export interface StaffActor {
  memberId: number;
  requestId: string;
}

export const approveWithdrawal = (db: Database, staff: StaffActor, id: number) => transition(db, id, "approve", { staff });
export const rejectWithdrawal = (db: Database, staff: StaffActor, id: number, reason: string) => transition(db, id, "reject", { staff, reason });
export const processWithdrawal = (db: Database, staff: StaffActor, id: number) => transition(db, id, "process", { staff });
/** The member takes back their own pending withdrawal; another member's is 404. */
export const cancelWithdrawal = (db: Database, memberId: number, id: number) => transition(db, id, "cancel", { ownerId: memberId });

type Row = typeof withdrawalTable.$inferSelect;

/** The money each transition moves: release the hold back to available, or pay it out (net to clearing, fee to revenue). */
async function entriesFor(tx: Database, action: Action, row: Row): Promise<EntrySpec[]> {
  if (action === "approve") return [];
  const accounts = await lockMemberAccount(tx, { memberId: row.memberId, currency: row.currency });
  const amount = new Dec(row.amount);
  if (action !== "process") return [{ account: accounts.hold, amount: amount.negated() }, { account: accounts.available, amount }];
  return [
    { account: accounts.hold, amount: amount.negated() },
    { account: await companyAccount(tx, "payout_clearing", row.currency), amount: new Dec(row.net) },
    { account: await companyAccount(tx, "fee_revenue", row.currency), amount: new Dec(row.fee) },
  ];
}

/**
 * One transaction per transition: the member's accounts are locked before the withdrawal row
 * (the order every withdrawal path uses, so no two deadlock), then the row FOR UPDATE, so two
 * racing transitions apply one after the other and the second sees the first's result: an
 * illegal transition is 409 with the current status. Staff transitions write the audit log.
 */
async function transition(db: Database, id: number, action: Action, by: { staff?: StaffActor; ownerId?: number; reason?: string }): Promise<WithdrawalView> {
  const rule = TRANSITIONS[action];
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select()
      .from(withdrawalTable)
      .where(and(eq(withdrawalTable.id, id), by.ownerId === undefined ? undefined : eq(withdrawalTable.memberId, by.ownerId)));
    if (!found) throw notFound("Withdrawal");
    if (by.staff && found.memberId === by.staff.memberId) throw new AppError("forbidden", "Staff cannot decide on their own withdrawal");
    const entries = await entriesFor(tx, action, found);
    const [row] = await tx.select().from(withdrawalTable).where(eq(withdrawalTable.id, id)).for("update");
    if (!(rule.from as readonly WithdrawalStatus[]).includes(row!.status)) {
      throw conflict(`The withdrawal is ${row!.status}; it cannot be ${rule.done}`, { currentStatus: row!.status });
    }
    const at = now();
    const actorId = by.staff?.memberId ?? null;
    const stamps: Partial<Row> = {
      approve: { approvedAt: at, approvedBy: actorId },
      process: { processedAt: at, processedBy: actorId },
      reject: { rejectedAt: at, rejectedBy: actorId, rejectReason: by.reason },
      cancel: { cancelledAt: at },
    }[action];
    await tx
      .update(withdrawalTable)
      .set({ ...stamps, status: rule.to, updatedAt: at })
      .where(eq(withdrawalTable.id, id));
    if (entries.length > 0) {
      await postTransaction(tx, {
        key: `withdrawal:${id}:${action === "process" ? "payout" : "release"}`,
        kind: action === "process" ? "withdrawal_payout" : "withdrawal_release",
        reference: `Withdrawal ${id} ${rule.done}`,
        entries,
      });
    }
    if (by.staff) {
      await writeAudit(tx, {
        actorId,
        action: `withdrawal.${action}`,
        entityType: "withdrawal",
        entityId: id,
        before: { status: row!.status },
        after: { status: rule.to, ...(by.reason ? { reason: by.reason } : {}) },
        requestId: by.staff.requestId,
      });
    }
    return withdrawalView((await findWithdrawal(tx, eq(withdrawalTable.id, id)))!);
  });
}
