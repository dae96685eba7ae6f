import { sql } from "drizzle-orm";
import { now } from "../clock";
import { confirmPayment } from "../confirmation/confirm-payment";
import { query, type Database } from "../db/client";
import { createOrder } from "../orders/create-order";
import { runPayouts } from "../payouts/payouts";
import { periodBounds, periodOf } from "../periods/calendar";
import { nextPeriod } from "../periods/periods";
import { foldPending } from "../volumes/fold";

// Paid orders on top of the demo network, through the order core and the payment confirmation, so
// volumes, ranks, bonuses, cashback and loyalty follow exactly as in production.

export interface DemoMember {
  id: number;
  memberCode: string;
  enrolledAt: Date;
}

interface PlannedOrder {
  member: DemoMember;
  items: { sku: string; quantity: number }[];
  confirmedAt: Date;
}

/** Periods of product history: the current one and the ones before it. */
const HISTORY_PERIODS = 2;
/** Shares of members who bought their kit, and who buy products in a period: enough to look alive,
 * few enough to seed in seconds (embedded PGlite included). */
const KIT_SHARE = 0.5;
const PRODUCT_ORDER_SHARE = 0.25;
const HOUR_MS = 3_600_000;

/**
 * The leader and half the demo members bought a starter kit within two days of enrolling; some
 * buy products in the last periods (some in a month's first week: loyalty points); the leader buys
 * 10 of the highest-PV product every month (the cashback credit) and uses the credit when it can.
 * Orders are confirmed in time order, as staff-confirmed transfers; commissions past their hold
 * are then paid to the wallets.
 */
export async function seedDemoOrders(tx: Database, members: DemoMember[], random: () => number): Promise<void> {
  const catalog = await query<{ sku: string; kind: "kit" | "product" }>(tx, sql`select sku, kind from product where active order by pv desc, sku`);
  const kits = catalog.filter((product) => product.kind === "kit").map((product) => product.sku);
  const products = catalog.filter((product) => product.kind === "product").map((product) => product.sku);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const at = now();
  const between = (from: number, to: number) => new Date(from + random() * Math.max(0, to - from));
  const latest = at.getTime() - HOUR_MS;

  const planned: PlannedOrder[] = [];
  for (const [index, member] of members.entries()) {
    if (index > 0 && random() > KIT_SHARE) continue;
    planned.push({ member, items: [{ sku: pick(kits), quantity: 1 }], confirmedAt: new Date(Math.min(member.enrolledAt.getTime() + (1 + random() * 47) * HOUR_MS, latest)) });
  }
  let period = periodOf(new Date(at.getTime() - (HISTORY_PERIODS - 1) * 31 * 86_400_000));
  for (let p = 0; p < HISTORY_PERIODS; p += 1, period = nextPeriod(period)) {
    const { start, end } = periodBounds(period);
    const [leader] = members;
    if (leader) planned.push({ member: leader, items: [{ sku: products[0]!, quantity: 10 }], confirmedAt: new Date(Math.min(start.getTime() + 30 * HOUR_MS, latest)) });
    for (const member of members) {
      const from = Math.max(start.getTime(), member.enrolledAt.getTime() + 50 * HOUR_MS);
      const to = Math.min(end.getTime(), latest);
      if (from >= to || random() > PRODUCT_ORDER_SHARE) continue;
      const firstWeek = random() < 0.35 ? Math.min(to, start.getTime() + 7 * 24 * HOUR_MS) : to;
      const lines = new Map<string, number>();
      for (let n = 1 + Math.floor(random() * 3); n > 0; n -= 1) lines.set(pick(products), 1 + Math.floor(random() * 4));
      planned.push({ member, items: [...lines].map(([sku, quantity]) => ({ sku, quantity })), confirmedAt: between(from, Math.max(from, firstWeek)) });
    }
  }

  planned.sort((a, b) => a.confirmedAt.getTime() - b.confirmedAt.getTime());
  for (const order of planned) {
    const orderId = await createOrder(tx, { memberId: order.member.id, memberCode: order.member.memberCode, inNetwork: true }, { items: order.items, paymentMethod: "card", useCashback: true });
    const createdAt = new Date(order.confirmedAt.getTime() - 20 * 60_000).toISOString();
    await tx.execute(sql`update orders set payment_method = 'manual', created_at = ${createdAt}::timestamptz, updated_at = ${createdAt}::timestamptz where id = ${orderId}`);
    await confirmPayment(tx, { orderId, confirmedAt: order.confirmedAt, reference: `DEMO-${orderId}` });
    await foldPending(tx);
  }
  await runPayouts(tx);
}
