import { sql } from "drizzle-orm";
import { revokeCommissionLine } from "../commissions/revoke";
import { query, type Database } from "../db/client";
import { lockMemberAccounts } from "../ledger/accounts";
import { Dec, round2 } from "../money/decimal";

/** The bonuses a refund takes back in proportion: those paid at the order's confirmation for the order itself. */
const REFUNDABLE_BONUSES = ["direct", "fast_start"] as const;

/** The share of `value` a cumulative refund covers, rounded like money: the shares of successive refunds add up to exactly `value`. */
export const refundedShare = (value: Dec, refunded: Dec, total: Dec) => round2(value.times(refunded).dividedBy(total));

interface OrderLine {
  id: number;
  receiverId: number;
  currency: string;
  amount: string;
  revokedAmount: string;
  status: string;
}

/**
 * Revokes, from each of the order's instant commission lines, the part a cumulative refund covers
 * that is not revoked yet: refundedShare(amount) - revoked so far. Successive partial
 * refunds therefore add up to exactly the line when the order is refunded in full.
 *
 * Locks the order's lines (id order) before any ledger account, then the accounts of every
 * receiver to claw back from in one id-ordered call, as payouts do (lines, then accounts): a
 * refund and a payout run can never wait on each other in a cycle.
 */
export async function revokeInstantBonuses(tx: Database, input: { orderId: number; refunded: Dec; total: Dec; key: string }): Promise<void> {
  const lines = await query<OrderLine>(
    tx,
    sql`select id, receiver_id as "receiverId", currency, amount::text, revoked_amount::text as "revokedAmount", status from commission_line
        where order_id = ${input.orderId} and bonus_type in (${sql.join(REFUNDABLE_BONUSES.map((type) => sql`${type}`), sql`, `)})
        order by id for update`,
  );
  const shares = lines
    .filter((line) => line.status === "pending" || line.status === "paid")
    .map((line) => ({ line, take: refundedShare(new Dec(line.amount), input.refunded, input.total).minus(line.revokedAmount) }))
    .filter((share) => share.take.gt(0));
  const clawbacks = shares.filter((share) => share.line.status === "paid");
  await lockMemberAccounts(tx, clawbacks.map(({ line }) => ({ memberId: line.receiverId, currency: line.currency })));
  for (const { line, take } of shares) await revokeCommissionLine(tx, Number(line.id), { key: `refund:${input.key}`, amount: take });
}
