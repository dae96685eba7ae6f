import { and, count, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import * as v from "valibot";
import type { Database } from "../db/client";
import { offsetOf, orderBy, pageOf, windowOf } from "../http/list";
import { decimalString, instantWindow, pageQuery, periodString, sortQuery, type Page } from "../http/schemas";
import { memberTable } from "../members/members.sql";
import { Dec, money } from "../money/decimal";
import { BONUS_TYPES, COMMISSION_STATUSES, commissionLineTable } from "./commissions.sql";

// `GET /api/commissions` (the member's own lines) and `GET /api/admin/commissions` (every line, for staff).

export const COMMISSION_SORTS = ["createdAt", "amount", "period", "status"] as const;

/** The filters both lists take. */
const commonQuery = {
  ...pageQuery,
  sort: sortQuery(COMMISSION_SORTS, "-createdAt"),
  period: v.optional(periodString),
  bonusType: v.optional(v.picklist(BONUS_TYPES, `Must be one of: ${BONUS_TYPES.join(", ")}`)),
  status: v.optional(v.picklist(COMMISSION_STATUSES, `Must be one of: ${COMMISSION_STATUSES.join(", ")}`)),
};

export const memberCommissionsQuery = v.strictObject(commonQuery);

export const staffCommissionsQuery = v.strictObject({
  ...commonQuery,
  country: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z]{2}$/, "Must be a 2-letter country code"), v.toUpperCase(), v.description("The receiver's country"))),
  memberCode: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(32), v.toUpperCase(), v.description("The receiver's member code"))),
  ...instantWindow,
  minAmount: v.optional(v.pipe(decimalString, v.description("Amount at least this (in the receiver's currency)"))),
  maxAmount: v.optional(v.pipe(decimalString, v.description("Amount at most this (in the receiver's currency)"))),
});

const moneyView = v.object({ amount: v.string(), currency: v.string() });
const id = v.pipe(v.number(), v.integer());

export const commissionSchema = v.object({
  id,
  bonusType: v.picklist(BONUS_TYPES),
  period: v.string(),
  level: v.pipe(v.nullable(id), v.description("Genealogy level: direct 1, fast start 1-3, unilevel 1-10 (10 = 10+), matching 1-4; null for achievement and car")),
  sourceMemberCode: v.pipe(v.nullable(v.string()), v.description("The member whose purchase earned it")),
  orderId: v.nullable(id),
  origin: v.pipe(moneyView, v.description("Computed in the origin currency, rounded to cents")),
  rate: v.pipe(v.string(), v.description("Exchange rate applied to the origin amount (1 within one currency)")),
  amount: v.pipe(moneyView, v.description("In the receiver's currency")),
  revoked: v.pipe(moneyView, v.description("Taken back by refunds: cancelled before payout, or clawed back after")),
  status: v.picklist(COMMISSION_STATUSES),
  createdAt: v.pipe(v.string(), v.description("ISO 8601 instant")),
});
export type CommissionView = v.InferOutput<typeof commissionSchema>;

export const staffCommissionSchema = v.object({
  ...commissionSchema.entries,
  receiver: v.object({ memberCode: v.string(), name: v.string(), country: v.string() }),
});
export type StaffCommissionView = v.InferOutput<typeof staffCommissionSchema>;

/** A member's query, or staff's with the receiver and window filters (createdAt: from inclusive, to exclusive). */
export type CommissionQuery = v.InferOutput<typeof memberCommissionsQuery> & Partial<v.InferOutput<typeof staffCommissionsQuery>>;

const receiverTable = alias(memberTable, "receiver");
const sourceTable = alias(memberTable, "source");
const line = commissionLineTable;

function conditions(query: CommissionQuery, receiverId?: number): SQL | undefined {
  const { from, to } = windowOf(query);
  return and(
    receiverId === undefined ? undefined : eq(line.receiverId, receiverId),
    query.period ? eq(line.period, query.period) : undefined,
    query.bonusType ? eq(line.bonusType, query.bonusType) : undefined,
    query.status ? eq(line.status, query.status) : undefined,
    query.country ? eq(receiverTable.country, query.country) : undefined,
    query.memberCode ? eq(receiverTable.memberCode, query.memberCode) : undefined,
    from ? gte(line.createdAt, from) : undefined,
    to ? lt(line.createdAt, to) : undefined,
    query.minAmount ? gte(line.amount, query.minAmount) : undefined,
    query.maxAmount ? lte(line.amount, query.maxAmount) : undefined,
  );
}

async function selectCommissions(db: Database, query: CommissionQuery, receiverId?: number): Promise<Page<StaffCommissionView>> {
  const where = conditions(query, receiverId);
  const columns = { createdAt: line.createdAt, amount: line.amount, period: line.period, status: line.status };
  const [rows, [total]] = await Promise.all([
    db
      .select({ line, sourceMemberCode: sourceTable.memberCode, receiver: { memberCode: receiverTable.memberCode, firstName: receiverTable.firstName, lastName: receiverTable.lastName, country: receiverTable.country } })
      .from(line)
      .innerJoin(receiverTable, eq(receiverTable.id, line.receiverId))
      .leftJoin(sourceTable, eq(sourceTable.id, line.sourceMemberId))
      .where(where)
      .orderBy(...orderBy(query.sort, columns, line.id))
      .limit(query.pageSize)
      .offset(offsetOf(query)),
    db.select({ total: count() }).from(line).innerJoin(receiverTable, eq(receiverTable.id, line.receiverId)).where(where),
  ]);
  const items = rows.map(({ line: row, sourceMemberCode, receiver }) => ({
    id: row.id,
    bonusType: row.bonusType,
    period: row.period,
    level: row.level,
    sourceMemberCode,
    orderId: row.orderId,
    origin: money(row.originAmount, row.originCurrency),
    rate: new Dec(row.rate).toFixed(),
    amount: money(row.amount, row.currency),
    revoked: money(row.revokedAmount, row.currency),
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    receiver: { memberCode: receiver.memberCode, name: `${receiver.firstName} ${receiver.lastName}`, country: receiver.country },
  }));
  return pageOf(items, total?.total ?? 0, query);
}

/** The member's own commission lines. */
export async function memberCommissions(db: Database, memberId: number, query: CommissionQuery): Promise<Page<CommissionView>> {
  const page = await selectCommissions(db, query, memberId);
  return { ...page, items: page.items.map(({ receiver: _receiver, ...item }) => item) };
}

/** Every member's commission lines, for staff. */
export const staffCommissions = (db: Database, query: CommissionQuery): Promise<Page<StaffCommissionView>> => selectCommissions(db, query);
