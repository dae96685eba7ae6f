import { eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { money } from "../money/decimal";
import { memberTable } from "../members/members.sql";
import type { StaffWithdrawalView, WithdrawalView } from "./schemas";
import { bankAccountTable, withdrawalTable } from "./wallet.sql";

const columns = {
  ...getTableColumns(withdrawalTable),
  bankName: bankAccountTable.bankName,
  last4: bankAccountTable.last4,
  memberCode: memberTable.memberCode,
  memberName: sql<string>`${memberTable.firstName} || ' ' || ${memberTable.lastName}`,
  memberCountry: memberTable.country,
};

/** Withdrawals with their bank account and member, for the member's and the staff's views. */
export const selectWithdrawals = (db: Database) =>
  db
    .select(columns)
    .from(withdrawalTable)
    .innerJoin(bankAccountTable, eq(bankAccountTable.id, withdrawalTable.bankAccountId))
    .innerJoin(memberTable, eq(memberTable.id, withdrawalTable.memberId));

type Row = Awaited<ReturnType<ReturnType<typeof selectWithdrawals>["where"]>>[number];
/** A withdrawal row with its bank account's name and last 4 digits. */
type WithdrawalRow = typeof withdrawalTable.$inferSelect & Pick<Row, "bankName" | "last4">;

const iso = (instant: Date | null) => instant?.toISOString() ?? null;

export function withdrawalView(row: WithdrawalRow): WithdrawalView {
  return {
    id: row.id,
    status: row.status,
    amount: money(row.amount, row.currency),
    fee: money(row.fee, row.currency),
    net: money(row.net, row.currency),
    flagged: row.flagged,
    bankAccount: { id: row.bankAccountId, bankName: row.bankName, last4: row.last4 },
    createdAt: row.createdAt.toISOString(),
    approvedAt: iso(row.approvedAt),
    processedAt: iso(row.processedAt),
    rejectedAt: iso(row.rejectedAt),
    rejectReason: row.rejectReason,
    cancelledAt: iso(row.cancelledAt),
  };
}

export function staffWithdrawalView(row: Row): StaffWithdrawalView {
  return { ...withdrawalView(row), member: { memberCode: row.memberCode, name: row.memberName, country: row.memberCountry } };
}

export async function findWithdrawal(db: Database, where: SQL): Promise<Row | undefined> {
  const [row] = await selectWithdrawals(db).where(where);
  return row;
}
