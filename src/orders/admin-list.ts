import { and, count, eq, gte, lt, lte, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { offsetOf, orderBy, pageOf, windowOf } from "../http/list";
import type { Page } from "../http/schemas";
import { memberTable } from "../members/members.sql";
import { orderTable } from "./orders.sql";
import type { StaffOrdersQuery, StaffOrderView } from "./schemas";
import { linesOf, orderSortColumns, toOrderView } from "./views";

function conditions(query: StaffOrdersQuery): SQL | undefined {
  const { from, to } = windowOf(query);
  return and(
    query.status ? eq(orderTable.status, query.status) : undefined,
    query.period ? eq(orderTable.period, query.period) : undefined,
    query.country ? eq(memberTable.country, query.country) : undefined,
    query.currency ? eq(orderTable.currency, query.currency) : undefined,
    query.memberCode ? eq(memberTable.memberCode, query.memberCode) : undefined,
    query.paymentMethod ? eq(orderTable.paymentMethod, query.paymentMethod) : undefined,
    from ? gte(orderTable.createdAt, from) : undefined,
    to ? lt(orderTable.createdAt, to) : undefined,
    query.minAmount ? gte(orderTable.total, query.minAmount) : undefined,
    query.maxAmount ? lte(orderTable.total, query.maxAmount) : undefined,
  );
}

/** `GET /api/admin/orders`: every member's orders, for support and finance (from/to filter created_at). */
export async function staffOrders(db: Database, query: StaffOrdersQuery): Promise<Page<StaffOrderView>> {
  const where = conditions(query);
  const [rows, [total]] = await Promise.all([
    db
      .select({ order: orderTable, member: { memberCode: memberTable.memberCode, firstName: memberTable.firstName, lastName: memberTable.lastName, country: memberTable.country } })
      .from(orderTable)
      .innerJoin(memberTable, eq(memberTable.id, orderTable.memberId))
      .where(where)
      .orderBy(...orderBy(query.sort, orderSortColumns, orderTable.id))
      .limit(query.pageSize)
      .offset(offsetOf(query)),
    db.select({ total: count() }).from(orderTable).innerJoin(memberTable, eq(memberTable.id, orderTable.memberId)).where(where),
  ]);
  const lines = await linesOf(db, rows.map((row) => row.order.id));
  const items = rows.map(({ order, member }) => ({
    ...toOrderView(order, lines.get(order.id)!),
    member: { memberCode: member.memberCode, name: `${member.firstName} ${member.lastName}`, country: member.country.trim() },
    arrivedLate: order.arrivedLate,
    disputeStatus: order.disputeStatus,
    paymentIntentId: order.paymentIntentId,
    paymentReference: order.paymentReference,
    paymentError: order.paymentError,
  }));
  return pageOf(items, total?.total ?? 0, query);
}
