import { sql } from "drizzle-orm";
import * as v from "valibot";
import { availableCashback } from "../cashback/cashback";
import { BONUS_TYPES, type BonusType } from "../commissions/commissions.sql";
import { query, type Database } from "../db/client";
import { notFound } from "../errors";
import { loyaltyPointsOf } from "../loyalty/loyalty";
import { Dec, money } from "../money/decimal";
import { getPlan } from "../plan/plan";
import { qualifiedRankPosition } from "../ranks/promote";

const volume = v.pipe(v.string(), v.description("Decimal string with 2 places"));
const moneyView = v.object({ amount: v.string(), currency: v.string() });

export const dashboardSchema = v.object({
  period: v.string(),
  pv: volume,
  pvg: volume,
  activeThisPeriod: v.pipe(v.boolean(), v.description("Own PV reaches the plan's minimum: monthly bonuses are paid")),
  qualifiedRank: v.pipe(v.nullable(v.string()), v.description("Name of the highest rank whose PV and PVG this period reaches")),
  careerRank: v.pipe(v.nullable(v.string()), v.description("Name of the highest rank ever reached")),
  nextRank: v.pipe(
    v.nullable(v.object({ name: v.string(), pvNeeded: volume, pvgNeeded: volume })),
    v.description("The rank above the career rank, and the PV and PVG still missing for it this period; null at the top"),
  ),
  earnings: v.pipe(
    v.array(v.object({ bonusType: v.picklist(BONUS_TYPES), total: moneyView })),
    v.description("Commissions of the period per bonus type, net of what refunds took back (pending and paid)"),
  ),
  cashback: v.object({ available: v.pipe(v.nullable(moneyView), v.description("The most the period's unused credit takes off the next order")) }),
  loyaltyPoints: v.number(),
  travelPoints: v.number(),
});
export type Dashboard = v.InferOutput<typeof dashboardSchema>;

/** A network member's period at a glance (`GET /api/me/dashboard`). */
export async function memberDashboard(db: Database, memberId: number, period: string): Promise<Dashboard> {
  const plan = await getPlan(db);
  const [member] = await query<{ careerRank: string | null; inNetwork: boolean; pv: string; pvg: string }>(
    db,
    sql`select m.career_rank as "careerRank", m.path is not null as "inNetwork",
               coalesce(v.pv, 0)::numeric(14, 2)::text as pv, coalesce(v.pvg, 0)::numeric(16, 2)::text as pvg
        from member m left join member_volume v on v.member_id = m.id and v.period = ${period}
        where m.id = ${memberId}`,
  );
  if (!member?.inNetwork) throw notFound("Network member");
  const earnings = await query<{ bonusType: BonusType; total: string; currency: string }>(
    db,
    sql`select bonus_type as "bonusType", sum(amount - revoked_amount)::text as total, currency from commission_line
        where receiver_id = ${memberId} and period = ${period} and status in ('pending', 'paid')
        group by bonus_type, currency`,
  );
  const pv = new Dec(member.pv);
  const pvg = new Dec(member.pvg);
  const qualified = qualifiedRankPosition(plan, member);
  const career = member.careerRank ? plan.rank(member.careerRank) : undefined;
  const next = plan.ranks.find((rank) => rank.position > (career?.position ?? 0));
  const missing = (needed: Dec, have: Dec) => Dec.max(needed.minus(have), 0).toFixed(2);
  return {
    period,
    pv: member.pv,
    pvg: member.pvg,
    activeThisPeriod: pv.gte(plan.decimal("active_min_pv")),
    qualifiedRank: plan.ranks.find((rank) => rank.position === qualified)?.name ?? null,
    careerRank: career?.name ?? null,
    nextRank: next ? { name: next.name, pvNeeded: missing(next.minPv, pv), pvgNeeded: missing(next.minPvg, pvg) } : null,
    earnings: earnings
      .sort((a, b) => BONUS_TYPES.indexOf(a.bonusType) - BONUS_TYPES.indexOf(b.bonusType))
      .map((row) => ({ bonusType: row.bonusType, total: money(row.total, row.currency) })),
    cashback: { available: await availableCashback(db, memberId, period) },
    loyaltyPoints: await loyaltyPointsOf(db, memberId),
    // NN Travels points arrive with the travel campaign.
    travelPoints: 0,
  };
}
