import { sql } from "drizzle-orm";
import { achievementLines } from "../bonuses/achievement";
import { earningUpline, instantBonusLines, type UplineMember } from "../bonuses/instant";
import type { PaidOrder } from "../bonuses/paid-order";
import { grantCashback, useReservedCashback } from "../cashback/cashback";
import { now } from "../clock";
import { createCommissionLines } from "../commissions/create";
import { withNumericId, type Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { notFound } from "../errors";
import { earnLoyalty } from "../loyalty/loyalty";
import { treeShapeShared } from "../members/tree";
import { Dec } from "../money/decimal";
import { isConfirmed, type OrderStatus } from "../orders/orders.sql";
import { periodOf } from "../periods/calendar";
import { assignPeriod, lockPeriod, periodSharedLock, periodState } from "../periods/periods";
import { getPlan, type Plan } from "../plan/plan";
import { promoteQualified } from "../ranks/promote";
import { addVolume } from "../volumes/add-volume";

export type ConfirmOutcome = "confirmed" | "already_confirmed" | "not_pending";

/** What a confirmation reads of its order, under the order's lock. */
export interface ConfirmableOrder {
  id: number;
  memberId: number;
  status: OrderStatus;
  currency: string;
  vn: string;
  pv: string;
  paymentReference: string | null;
  lines: { sku: string; kind: "kit" | "product"; quantity: number; unitPrice: string }[];
}

/** The ConfirmableOrder columns of order `o`, for a caller that locks and reads the order in a statement of its own. */
export const confirmableColumns = sql`o.id, o.member_id as "memberId", o.status, trim(o.currency) as currency, o.vn::text as vn, o.pv::text as pv,
  o.payment_reference as "paymentReference",
  (select json_agg(json_build_object('sku', l.sku, 'kind', l.kind, 'quantity', l.quantity, 'unitPrice', l.unit_price::text) order by l.line_no)
   from order_line l where l.order_id = o.id) as lines`;

/**
 * The shared locks a confirmation takes after the order's (the tree shape's and its natural
 * period's), as expressions: a caller that locks the order in a statement of its own may take them
 * in that statement, after the order, and confirm with `locksHeld` (one round trip fewer).
 */
export const confirmationLocks = (confirmedAt: Date) => sql`${treeShapeShared}, ${periodSharedLock(periodOf(confirmedAt))}`;

/**
 * One statement: the order paid in `period`, its reserved credit used, and the upline its instant
 * bonuses reach read. With `ifOpen`, it also reads the period's status (under the period's lock,
 * taken before) and changes nothing unless the period is open: then it answers undefined.
 */
async function payOrder(
  tx: Database,
  plan: Plan,
  order: ConfirmableOrder,
  input: { confirmedAt: Date; reference?: string },
  placement: { period: string; arrivedLate: boolean; ifOpen: boolean },
): Promise<{ paid: PaidOrder; upline: UplineMember[] } | undefined> {
  const { confirmedAt } = input;
  const { period, arrivedLate, ifOpen } = placement;
  const paid: PaidOrder = {
    id: order.id,
    memberId: order.memberId,
    currency: order.currency,
    vn: new Dec(order.vn),
    period,
    confirmedAt,
    lines: order.lines.map((line) => ({ ...line, unitPrice: new Dec(line.unitPrice) })),
  };
  const open = ifOpen ? sql`exists (select 1 from period_state where status = 'open')` : sql`true`;
  const [row] = await preparedQuery<{ open: boolean; upline: UplineMember[] }>(
    tx,
    sql`with ${ifOpen ? sql`${periodState(period)}, ` : sql``}used_credit as (${useReservedCashback(order.id, confirmedAt, open)}),
        paid as (
          update orders set status = 'paid', payment_confirmed_at = ${confirmedAt.toISOString()}::timestamptz, period = ${period}, arrived_late = ${arrivedLate},
                 payment_reference = ${input.reference ?? order.paymentReference}, updated_at = ${now().toISOString()}::timestamptz
          where id = ${order.id} and ${open}
        )
        select ${open} as open, ${earningUpline(plan, paid)} as upline`,
  );
  return row!.open ? { paid, upline: row!.upline } : undefined;
}

/** The order row locked FOR NO KEY UPDATE (see confirmPayment), with its lines. */
async function lockConfirmable(tx: Database, orderId: number): Promise<ConfirmableOrder | undefined> {
  const [row] = await preparedQuery<ConfirmableOrder>(tx, sql`select ${confirmableColumns} from orders o where o.id = ${orderId} for no key update`);
  return row && withNumericId<ConfirmableOrder>(row);
}

/**
 * THE payment confirmation, whatever the channel (Stripe webhook, wallet, staff), in the caller's
 * transaction (SPEC.md section 7, decision 007). Locks the order (or takes it as `locked`: read by
 * the caller under its own lock in this transaction, as the webhook's claim does, which may also
 * have taken the confirmationLocks after it: `locksHeld`); unless it is
 * pending_payment it changes nothing (so a replayed confirmation is harmless). Otherwise:
 * - the period: the one containing confirmedAt (Mexico City), or the next open one if it closed;
 * - the order paid, with its confirmation instant and reference;
 * - its PV to the buyer's period PV and PVG, and a volume event that the fold, right after this
 *   transaction commits, adds to the PVG of every ancestor, re-evaluating their ranks (decision 010);
 * - the buyer's rank re-evaluated (career ranks only rise), an achievement bonus for a new rank;
 * - direct and fast-start bonuses, pending until the plan's hold;
 * - cashback: the credit reserved for this order is used; crossing the threshold grants one;
 * - loyalty: the month's points for an order confirmed on its first days.
 *
 * The order row is locked FOR NO KEY UPDATE: it serialises every confirmation, refund and
 * cancellation of the order like FOR UPDATE, but lets a transaction that inserted a row referencing
 * the order (a webhook's inbox row, say) take the lock without waiting on another such inserter.
 *
 * Lock order (decision 007): order row; tree shape and period (shared advisory locks); the buyer's
 * reserved credit (with the order's update) and loyalty rows; the buyer's volume row; the buyer's member row; a new
 * cashback credit (read first, written only if none exists: it never waits on a reservation).
 */
export async function confirmPayment(
  tx: Database,
  input: { orderId: number; confirmedAt: Date; reference?: string; locked?: ConfirmableOrder; locksHeld?: boolean },
): Promise<{ outcome: ConfirmOutcome }> {
  const order = input.locked ?? (await lockConfirmable(tx, input.orderId));
  if (!order) throw notFound("Order");
  if (order.id !== input.orderId) throw new Error(`confirmPayment of order ${input.orderId} was given order ${order.id}`);
  if (order.status !== "pending_payment") return { outcome: isConfirmed(order.status) ? "already_confirmed" : "not_pending" };
  const { confirmedAt } = input;
  const plan = await getPlan(tx);
  const natural = periodOf(confirmedAt);
  if (!(input.locked && input.locksHeld)) await lockPeriod(tx, natural, "shared", { firstLock: treeShapeShared });
  // The common case in one statement: its period is open, so the order is paid in it.
  let placed = await payOrder(tx, plan, order, input, { period: natural, arrivedLate: false, ifOpen: true });
  if (!placed) {
    // Its period has closed (a late arrival), or its row was created meanwhile: read again, and walk on.
    const assigned = await assignPeriod(tx, confirmedAt, { held: true });
    placed = (await payOrder(tx, plan, order, input, { ...assigned, ifOpen: false }))!;
  }
  const { paid, upline } = placed;
  const { period } = paid;
  const arrivedLate = period !== natural;
  await createCommissionLines(tx, await instantBonusLines(tx, plan, paid, upline), confirmedAt);
  // A late arrival's own month was settled at its close: it earns no loyalty points there.
  if (!arrivedLate) await earnLoyalty(tx, plan, { memberId: order.memberId, orderId: order.id, month: period, confirmedAt });

  const pv = new Dec(order.pv);
  if (pv.isZero()) return { outcome: "confirmed" };
  const buyer = await addVolume(tx, { memberId: order.memberId, orderId: order.id, period, pv, at: confirmedAt, careerFrom: plan.ranks[0]?.minPv });
  const cause = { orderId: order.id, buyerId: order.memberId, period, at: confirmedAt };
  const promotions = await promoteQualified(tx, plan, [buyer], async (ids) => new Map(ids.map((id) => [id, cause])));
  await createCommissionLines(tx, await achievementLines(tx, plan, promotions), confirmedAt);
  const buyerPv = new Dec(buyer.pv);
  await grantCashback(tx, plan, { memberId: order.memberId, period, currency: order.currency, orderId: order.id, pvBefore: buyerPv.minus(pv), pvAfter: buyerPv, at: confirmedAt });
  return { outcome: "confirmed" };
}
