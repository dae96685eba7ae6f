import { sql } from "drizzle-orm";
import { query, type Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { businessDayOfMonth } from "../periods/calendar";
import type { Plan } from "../plan/plan";

/**
 * At a confirmation on days 1..loyalty_last_day of its month (Mexico City): the month's points,
 * once per member and month (the loyalty_month primary key). Reaching the gift threshold records a
 * gift (choice pending) and puts the points back to 0, in the same transaction.
 */
export async function earnLoyalty(tx: Database, plan: Plan, input: { memberId: number; orderId: number; month: string; confirmedAt: Date }): Promise<void> {
  if (businessDayOfMonth(input.confirmedAt) > plan.integer("loyalty_last_day")) return;
  const at = input.confirmedAt.toISOString();
  const [balance] = await preparedQuery<{ points: number }>(
    tx,
    sql`with earned as (
          insert into loyalty_month (member_id, month, points, order_id, earned_at)
          values (${input.memberId}, ${input.month}, ${plan.integer("loyalty_points_per_month")}, ${input.orderId}, ${at}::timestamptz)
          on conflict do nothing returning points
        )
        insert into loyalty_points (member_id, points, updated_at) select ${input.memberId}, points, ${at}::timestamptz from earned
        on conflict (member_id) do update set points = loyalty_points.points + excluded.points, updated_at = excluded.updated_at
        returning points`,
  );
  if (!balance || balance.points < plan.integer("loyalty_gift_points")) return;
  await tx.execute(
    sql`insert into loyalty_gift (member_id, month, points, earned_at) values (${input.memberId}, ${input.month}, ${balance.points}, ${at}::timestamptz)
        on conflict do nothing`,
  );
  await tx.execute(sql`update loyalty_points set points = 0 where member_id = ${input.memberId}`);
}

/**
 * For the monthly close of `month`: everyone with points who earned none that month goes back to 0.
 * One set-based statement; idempotent (a second run finds nothing to reset). Run it in its own
 * transaction: it locks many loyalty_points rows, which confirmations lock one at a time.
 */
export async function resetLoyaltyWithoutPurchase(tx: Database, month: string, at: Date): Promise<number> {
  const reset = await query<{ memberId: number }>(
    tx,
    sql`update loyalty_points set points = 0, updated_at = ${at.toISOString()}::timestamptz
        where points > 0 and not exists (select 1 from loyalty_month m where m.member_id = loyalty_points.member_id and m.month = ${month})
        returning member_id as "memberId"`,
  );
  return reset.length;
}

export async function loyaltyPointsOf(db: Database, memberId: number): Promise<number> {
  const [row] = await query<{ points: number }>(db, sql`select points from loyalty_points where member_id = ${memberId}`);
  return row?.points ?? 0;
}
