import { sql } from "drizzle-orm";
import { intArray, textArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { Dec } from "../money/decimal";
import type { Plan } from "../plan/plan";
import type { VolumeRow } from "../volumes/add-volume";

export interface Promotion {
  memberId: number;
  /** Every rank newly reached, lowest first: a jump over several ranks reaches each of them. */
  rankCodes: string[];
  enrolledAt: Date;
}

/**
 * Career rank = the highest rank ever qualified; it never drops. Given fresh period volumes, finds
 * the members whose qualified rank (PV and PVG both reach it) is above their career rank, raises it,
 * and records each newly reached rank in rank_history once (its primary key makes that exact).
 */
export async function promoteQualified(tx: Database, plan: Plan, period: string, reachedAt: Date, volumes: VolumeRow[]): Promise<Promotion[]> {
  const candidates = volumes
    .map((row) => ({ memberId: row.memberId, qualified: qualifiedRankPosition(plan, row) }))
    .filter((row) => row.qualified > 0);
  if (candidates.length === 0) return [];
  const positions = Object.fromEntries(plan.ranks.map((rank) => [rank.code, rank.position]));
  const members = await query<{ id: number; careerRank: string | null; enrolledAt: Date }>(
    tx,
    sql`select id, career_rank as "careerRank", enrolled_at as "enrolledAt" from member
        where id = any(${intArray(candidates.map((c) => c.memberId))}) order by id for update`,
  );
  const promotions: Promotion[] = [];
  for (const member of members) {
    const qualified = candidates.find((c) => c.memberId === member.id)!.qualified;
    const career = member.careerRank ? positions[member.careerRank]! : 0;
    if (qualified <= career) continue;
    const reached = plan.ranks.filter((rank) => rank.position > career && rank.position <= qualified);
    const inserted = await query<{ rankCode: string }>(
      tx,
      sql`insert into rank_history (member_id, rank_code, period, reached_at)
          select ${member.id}, code, ${period}, ${reachedAt.toISOString()}::timestamptz from unnest(${textArray(reached.map((r) => r.code))}) as code
          on conflict do nothing returning rank_code as "rankCode"`,
    );
    await tx.execute(sql`update member set career_rank = ${reached.at(-1)!.code} where id = ${member.id}`);
    if (inserted.length > 0) promotions.push({ memberId: member.id, rankCodes: reached.map((r) => r.code).filter((code) => inserted.some((i) => i.rankCode === code)), enrolledAt: new Date(member.enrolledAt) });
  }
  return promotions;
}

/** The position of the highest rank whose PV and PVG thresholds both are met, or 0. */
export function qualifiedRankPosition(plan: Plan, volume: { pv: string; pvg: string }): number {
  const pv = new Dec(volume.pv);
  const lowest = plan.ranks[0];
  // Most ancestors bought nothing this period: settle them without parsing PVG.
  if (!lowest || pv.lt(lowest.minPv)) return 0;
  const pvg = new Dec(volume.pvg);
  let best = 0;
  for (const rank of plan.ranks) {
    if (rank.minPv.lte(pv) && rank.minPvg.lte(pvg)) best = Math.max(best, rank.position);
  }
  return best;
}
