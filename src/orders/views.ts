import { and, asc, count, eq, inArray, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { notFound } from "../errors";
import { offsetOf, orderBy, pageOf } from "../http/list";
import type { Page } from "../http/schemas";
import { money } from "../money/decimal";
import { orderLineTable, orderTable } from "./orders.sql";
import { ORDER_SORTS, type MemberOrdersQuery, type OrderView } from "./schemas";

export type OrderRow = typeof orderTable.$inferSelect;
type LineRow = typeof orderLineTable.$inferSelect;

/** The API's order shape (API.md): money as Money in the order's currency, PV as a decimal string. */
export function toOrderView(order: OrderRow, lines: LineRow[]): OrderView {
  const currency = order.currency.trim();
  return {
    id: order.id,
    status: order.status,
    period: order.period,
    currency,
    subtotal: money(order.subtotal, currency),
    discount: money(order.discount, currency),
    total: money(order.total, currency),
    pv: order.pv,
    vn: money(order.vn, currency),
    items: lines.map((line) => ({
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPrice: money(line.unitPrice, currency),
      pv: line.unitPv,
      vn: money(line.unitVn, currency),
    })),
    paymentMethod: order.paymentMethod,
    refunded: money(order.refundedAmount, currency),
    createdAt: order.createdAt.toISOString(),
    paymentConfirmedAt: order.paymentConfirmedAt?.toISOString() ?? null,
  };
}

/** The lines of many orders in one query, grouped by order. */
export async function linesOf(db: Database, orderIds: number[]): Promise<Map<number, LineRow[]>> {
  const grouped = new Map<number, LineRow[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return grouped;
  const lines = await db.select().from(orderLineTable).where(inArray(orderLineTable.orderId, orderIds)).orderBy(asc(orderLineTable.orderId), asc(orderLineTable.lineNo));
  for (const line of lines) grouped.get(line.orderId)!.push(line);
  return grouped;
}

export async function orderView(db: Database, orderId: number): Promise<OrderView> {
  const [order] = await db.select().from(orderTable).where(eq(orderTable.id, orderId));
  if (!order) throw notFound("Order");
  return toOrderView(order, (await linesOf(db, [orderId])).get(orderId)!);
}

/** A member's own order; another member's is "not found" (API.md: never reveal it exists). */
export async function memberOrder(db: Database, memberId: number, orderId: number): Promise<OrderView> {
  const [order] = await db.select().from(orderTable).where(and(eq(orderTable.id, orderId), eq(orderTable.memberId, memberId)));
  if (!order) throw notFound("Order");
  return toOrderView(order, (await linesOf(db, [orderId])).get(orderId)!);
}

export const orderSortColumns = {
  createdAt: orderTable.createdAt,
  total: orderTable.total,
  status: orderTable.status,
  paymentConfirmedAt: orderTable.paymentConfirmedAt,
} satisfies Record<(typeof ORDER_SORTS)[number], unknown>;

export async function memberOrders(db: Database, memberId: number, query: MemberOrdersQuery): Promise<Page<OrderView>> {
  const where: SQL | undefined = and(
    eq(orderTable.memberId, memberId),
    query.status ? eq(orderTable.status, query.status) : undefined,
    query.period ? eq(orderTable.period, query.period) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db.select().from(orderTable).where(where).orderBy(...orderBy(query.sort, orderSortColumns, orderTable.id)).limit(query.pageSize).offset(offsetOf(query)),
    db.select({ total: count() }).from(orderTable).where(where),
  ]);
  const lines = await linesOf(db, rows.map((row) => row.id));
  return pageOf(rows.map((row) => toOrderView(row, lines.get(row.id)!)), total?.total ?? 0, query);
}
