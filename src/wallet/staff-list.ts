import { and, count, eq, gte, lt, lte } from "drizzle-orm";
import type { Database } from "../db/client";
import { offsetOf, orderBy, pageOf, windowOf } from "../http/list";
import type { Page } from "../http/schemas";
import { memberTable } from "../members/members.sql";
import type { StaffWithdrawalView } from "./schemas";
import { withdrawalTable, type WithdrawalStatus } from "./wallet.sql";
import { selectWithdrawals, staffWithdrawalView } from "./withdrawal-view";

export const STAFF_WITHDRAWAL_SORTS = ["createdAt", "amount", "status"] as const;

export interface StaffWithdrawalQuery {
  page: number;
  pageSize: number;
  sort: { field: (typeof STAFF_WITHDRAWAL_SORTS)[number]; descending: boolean };
  status?: WithdrawalStatus;
  country?: string;
  currency?: string;
  memberCode?: string;
  flagged?: boolean;
  /** Requested at or after this instant. */
  from?: string;
  /** Requested before this instant. */
  to?: string;
  minAmount?: string;
  maxAmount?: string;
}

/** Every member's withdrawals, for finance's review queue. */
export async function staffWithdrawals(db: Database, query: StaffWithdrawalQuery): Promise<Page<StaffWithdrawalView>> {
  const window = windowOf(query);
  const where = and(
    query.status ? eq(withdrawalTable.status, query.status) : undefined,
    query.country ? eq(memberTable.country, query.country) : undefined,
    query.currency ? eq(withdrawalTable.currency, query.currency) : undefined,
    query.memberCode ? eq(memberTable.memberCode, query.memberCode.toUpperCase()) : undefined,
    query.flagged === undefined ? undefined : eq(withdrawalTable.flagged, query.flagged),
    window.from ? gte(withdrawalTable.createdAt, window.from) : undefined,
    window.to ? lt(withdrawalTable.createdAt, window.to) : undefined,
    query.minAmount ? gte(withdrawalTable.amount, query.minAmount) : undefined,
    query.maxAmount ? lte(withdrawalTable.amount, query.maxAmount) : undefined,
  );
  const columns = { createdAt: withdrawalTable.createdAt, amount: withdrawalTable.amount, status: withdrawalTable.status };
  const [rows, [total]] = await Promise.all([
    selectWithdrawals(db).where(where).orderBy(...orderBy(query.sort, columns, withdrawalTable.id)).limit(query.pageSize).offset(offsetOf(query)),
    db.select({ total: count() }).from(withdrawalTable).innerJoin(memberTable, eq(memberTable.id, withdrawalTable.memberId)).where(where),
  ]);
  return pageOf(rows.map(staffWithdrawalView), total?.total ?? 0, query);
}
