import { sql, type SQL } from "drizzle-orm";
import { now } from "../clock";
import { query, type Database } from "../db/client";
import { Dec, money, round2, type Money } from "../money/decimal";
import { periodBounds, periodOf } from "../periods/calendar";
import type { Plan } from "../plan/plan";
import type { CashbackStatus } from "./cashback.sql";

// The cashback credit's life (src/cashback/cashback.sql.ts). Every change is one conditional
// UPDATE on the credit row, so two checkouts can never reserve the same credit and a release or a
// use never touches a credit that another order holds.

/**
 * At checkout: reserves the member's available credit for the period of `at` for this order, and
 * answers its discount (percent of the subtotal, capped), or 0 when there is none.
 */
export async function reserveCashback(tx: Database, input: { memberId: number; orderId: number; subtotal: Dec; currency: string; at: Date }): Promise<Dec> {
  const period = periodOf(input.at);
  const [credit] = await query<{ percent: string; cap: string }>(
    tx,
    sql`select percent::text, cap::text from cashback_credit
        where member_id = ${input.memberId} and period = ${period} and status = 'available' and currency = ${input.currency}
        for update`,
  );
  if (!credit) return new Dec(0);
  const discount = Dec.min(round2(input.subtotal.times(credit.percent).dividedBy(100)), new Dec(credit.cap));
  if (discount.lte(0)) return new Dec(0);
  await tx.execute(
    sql`update cashback_credit set status = 'reserved', reserved_order_id = ${input.orderId}, discount = ${discount.toFixed(2)}, reserved_at = ${input.at.toISOString()}::timestamptz
        where member_id = ${input.memberId} and period = ${period}`,
  );
  return discount;
}

/** When an order ends unpaid (failed, cancelled): its reserved credit is available again (within its period). */
export async function releaseCashback(tx: Database, orderId: number): Promise<void> {
  await tx.execute(
    sql`update cashback_credit set status = 'available', reserved_order_id = null, discount = null, reserved_at = null
        where reserved_order_id = ${orderId} and status = 'reserved'`,
  );
}

/**
 * At the order's confirmation: its reserved credit is used, even if the period has ended since
 * checkout (the buyer was charged the discounted total). Reads only through this order's id, so it
 * never waits on a credit another transaction is reserving. A statement for the confirmation to run
 * with its own update of the order (one round trip), which may make it conditional (`when`).
 */
export const useReservedCashback = (orderId: number, at: Date, when: SQL = sql`true`) =>
  sql`update cashback_credit set status = 'used', used_at = ${at.toISOString()}::timestamptz where reserved_order_id = ${orderId} and status = 'reserved' and ${when}`;

/**
 * At a confirmation that takes the buyer's period PV from below the plan's threshold to or above it:
 * the period's credit, once (a credit revoked by a refund may be earned again). The earning order is
 * already paid, so it can never use it.
 */
export async function grantCashback(
  tx: Database,
  plan: Plan,
  input: { memberId: number; period: string; currency: string; orderId: number; pvBefore: Dec; pvAfter: Dec; at: Date },
): Promise<void> {
  const threshold = plan.decimal("cashback_min_pv");
  if (input.pvBefore.gte(threshold) || input.pvAfter.lt(threshold)) return;
  // A plain read first: a credit already granted (perhaps being reserved right now) needs no write and no wait.
  const [existing] = await query<{ status: CashbackStatus }>(tx, sql`select status from cashback_credit where member_id = ${input.memberId} and period = ${input.period}`);
  if (existing && existing.status !== "revoked") return;
  const percent = plan.decimal("cashback_percent");
  const cap = round2(plan.amount("cashback_base", input.currency).times(percent).dividedBy(100));
  const at = input.at.toISOString();
  await tx.execute(
    sql`insert into cashback_credit (member_id, period, currency, percent, cap, status, earned_order_id, granted_at, expires_at)
        values (${input.memberId}, ${input.period}, ${input.currency}, ${percent.toFixed()}, ${cap.toFixed(2)}, 'available', ${input.orderId},
                ${at}::timestamptz, ${periodBounds(input.period).end.toISOString()}::timestamptz)
        on conflict (member_id, period) do update
          set currency = excluded.currency, percent = excluded.percent, cap = excluded.cap, status = 'available', earned_order_id = excluded.earned_order_id,
              granted_at = excluded.granted_at, expires_at = excluded.expires_at, revoked_at = null
        where cashback_credit.status = 'revoked'`,
  );
}

/**
 * At a refund in the open period: if the refunded order earned a credit that is still unused and
 * the buyer's PV is now below the threshold again, the credit is revoked. A credit being reserved
 * at this very moment is skipped (SKIP LOCKED): it is being spent, like a used one.
 */
export async function revokeEarnedCashback(tx: Database, plan: Plan, input: { orderId: number; buyerPv: Dec; at: Date }): Promise<void> {
  if (input.buyerPv.gte(plan.decimal("cashback_min_pv"))) return;
  await tx.execute(
    sql`update cashback_credit set status = 'revoked', revoked_at = ${input.at.toISOString()}::timestamptz
        where (member_id, period) in (
          select member_id, period from cashback_credit where earned_order_id = ${input.orderId} and status = 'available' for update skip locked)`,
  );
}

/** The member's credit usable now (its maximum discount), or null. Only the current period's credit is ever usable. */
export async function availableCashback(db: Database, memberId: number, period: string, at = now()): Promise<Money | null> {
  if (period !== periodOf(at)) return null;
  const [credit] = await query<{ cap: string; currency: string }>(
    db,
    sql`select cap::text, currency from cashback_credit where member_id = ${memberId} and period = ${period} and status = 'available'`,
  );
  return credit ? money(credit.cap, credit.currency) : null;
}
