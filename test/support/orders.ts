import { sql } from "drizzle-orm";
import { now } from "../../src/clock";
import { confirmPayment, type ConfirmOutcome } from "../../src/confirmation/confirm-payment";
import { applyRefund } from "../../src/confirmation/refund";
import { foldVolumes } from "../../src/volumes/fold";
import { textArray } from "../../src/db/arrays";
import { database, query, type Database } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";

// Orders written straight into the database (what checkout would have created), so confirmation,
// refund and bonus rules can be tested without going through checkout and Stripe.

export interface TestOrder {
  id: number;
  memberId: number;
  currency: string;
  subtotal: string;
  total: string;
  pv: string;
  vn: string;
}

export interface OrderItem {
  sku: string;
  quantity?: number;
}

/**
 * A pending_payment order for the member, priced like checkout prices it: catalog prices in the
 * member's currency frozen on the lines, PV from the product, VN only for products (kits have none).
 * Pass `db` to create it inside a transaction (as a wallet checkout creates and confirms in one).
 */
export async function createPendingOrder(memberId: number, items: OrderItem[], options: { discount?: string; db?: Database } = {}): Promise<TestOrder> {
  const db = options.db ?? (await database());
  const rows = await query<{ sku: string; name: string; kind: "kit" | "product"; pv: string; price: string; vn: string; currency: string }>(
    db,
    sql`select p.sku, p.name, p.kind, p.pv::text, pp.price::text, pp.vn::text, c.currency
        from member m join country c on c.code = m.country
        join product_price pp on pp.currency = c.currency
        join product p on p.sku = pp.sku
        where m.id = ${memberId} and p.sku = any(${textArray(items.map((item) => item.sku))})`,
  );
  const lines = items.map((item, index) => {
    const row = rows.find((candidate) => candidate.sku === item.sku);
    if (!row) throw new Error(`${item.sku} is not sold in member ${memberId}'s currency`);
    return { ...row, lineNo: index + 1, quantity: item.quantity ?? 1, vn: row.kind === "kit" ? "0" : row.vn };
  });
  const sum = (pick: (line: (typeof lines)[number]) => string) => lines.reduce((total, line) => total.plus(new Dec(pick(line)).times(line.quantity)), new Dec(0));
  const subtotal = sum((line) => line.price);
  const discount = new Dec(options.discount ?? 0);
  const at = now().toISOString();
  const [order] = await query<{ id: string }>(
    db,
    sql`insert into orders (member_id, status, currency, subtotal, discount, total, pv, vn, has_kit, payment_method, created_at, updated_at)
        values (${memberId}, 'pending_payment', ${lines[0]!.currency}, ${subtotal.toFixed(2)}, ${discount.toFixed(2)}, ${subtotal.minus(discount).toFixed(2)},
                ${sum((line) => line.pv).toFixed(2)}, ${sum((line) => line.vn).toFixed(2)}, ${lines.some((line) => line.kind === "kit")}, 'card', ${at}::timestamptz, ${at}::timestamptz)
        returning id`,
  );
  const id = Number(order!.id);
  for (const line of lines) {
    await db.execute(
      sql`insert into order_line (order_id, line_no, sku, name, kind, quantity, unit_price, unit_pv, unit_vn)
          values (${id}, ${line.lineNo}, ${line.sku}, ${line.name}, ${line.kind}, ${line.quantity}, ${line.price}, ${line.pv}, ${line.vn})`,
    );
  }
  return {
    id,
    memberId,
    currency: lines[0]!.currency,
    subtotal: subtotal.toFixed(2),
    total: subtotal.minus(discount).toFixed(2),
    pv: sum((line) => line.pv).toFixed(2),
    vn: sum((line) => line.vn).toFixed(2),
  };
}

/** Confirms as every caller does: the confirmation's transaction, then the fold of its volume into the upline. */
export async function confirmOrder(orderId: number, confirmedAt: Date, reference?: string): Promise<ConfirmOutcome> {
  const db = await database();
  const { outcome } = await db.transaction((tx) => confirmPayment(tx, { orderId, confirmedAt, reference }));
  await foldVolumes(db);
  return outcome;
}

/** Refunds as the webhook does (the cumulative refunded total under an event key), then folds. */
export async function refundOrder(orderId: number, refundedTotal: Dec | string, at: Date, key: string): Promise<void> {
  const db = await database();
  await db.transaction((tx) => applyRefund(tx, { orderId, refundedTotal: new Dec(refundedTotal), at, key }));
  await foldVolumes(db);
}

/** A paid order: created pending, then confirmed at `confirmedAt`. */
export async function buy(memberId: number, items: OrderItem[], confirmedAt: Date): Promise<TestOrder> {
  const order = await createPendingOrder(memberId, items);
  await confirmOrder(order.id, confirmedAt);
  return order;
}

/** A member's commission lines, oldest first, as plain strings for exact comparison. */
export async function commissionLinesOf(receiverId: number) {
  const rows = await query<{ bonusType: string; level: number | null; originAmount: string; originCurrency: string; rate: string; amount: string; currency: string; status: string; orderId: string | null; revokedAmount: string; payableAt: Date }>(
    await database(),
    sql`select bonus_type as "bonusType", level, origin_amount::text as "originAmount", origin_currency as "originCurrency", trim_scale(rate)::text as rate,
               amount::text, currency, status, order_id::text as "orderId", revoked_amount::text as "revokedAmount", payable_at as "payableAt"
        from commission_line where receiver_id = ${receiverId} order by id`,
  );
  // Raw rows carry instants as strings.
  return rows.map((row) => ({ ...row, payableAt: new Date(row.payableAt) }));
}

export async function volumeOf(memberId: number, period: string): Promise<{ pv: string; pvg: string }> {
  const [row] = await query<{ pv: string; pvg: string }>(await database(), sql`select pv::text, pvg::text from member_volume where period = ${period} and member_id = ${memberId}`);
  return row ?? { pv: "0.00", pvg: "0.00" };
}

/** An instant in Mexico City wall-clock time (UTC-6, no daylight saving since 2022). */
export const mexicoCity = (local: string) => new Date(`${local}-06:00`);
