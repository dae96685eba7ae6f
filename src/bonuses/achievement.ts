import { sql } from "drizzle-orm";
import { intArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { payableAfterHold, type NewCommissionLine } from "../commissions/create";
import type { Plan } from "../plan/plan";
import type { Promotion } from "../ranks/promote";

const DAY_MS = 86_400_000;

/**
 * The achievement bonus (SPEC.md section 6, bonus 4) of each rank newly reached, sourced from the
 * order that caused it: the rank's fixed amount in the member's currency, once per member and rank ever
 * (the natural key; rank_history already makes "newly reached" happen once). A rank with no amount
 * (Visionario) pays nothing; a rank with a window (Emprendedor) pays only if reached within that
 * many days of enrolment.
 */
export async function achievementLines(db: Database, plan: Plan, promotions: Promotion[]): Promise<NewCommissionLine[]> {
  if (promotions.length === 0) return [];
  const currencies = await query<{ id: number; currency: string }>(
    db,
    sql`select m.id, c.currency from member m join country c on c.code = m.country where m.id = any(${intArray(promotions.map((p) => p.memberId))})`,
  );
  const currencyOf = new Map(currencies.map((row) => [row.id, row.currency]));
  return promotions.flatMap(({ cause, ...promotion }) => {
    const reachedAt = cause.at;
    const currency = currencyOf.get(promotion.memberId)!;
    return promotion.rankCodes.flatMap((rankCode): NewCommissionLine[] => {
      const amount = plan.achievementAmount(rankCode, currency);
      const window = plan.rank(rankCode).achievementWindowDays;
      if (!amount || (window !== null && reachedAt.getTime() - promotion.enrolledAt.getTime() > window * DAY_MS)) return [];
      return [
        {
          key: `achievement:member:${promotion.memberId}:rank:${rankCode}`,
          receiverId: promotion.memberId,
          bonusType: "achievement",
          sourceMemberId: cause.buyerId,
          orderId: cause.orderId,
          period: cause.period,
          level: null,
          originAmount: amount,
          originCurrency: currency,
          receiverCurrency: currency,
          payableAt: payableAfterHold(plan, reachedAt),
        },
      ];
    });
  });
}
