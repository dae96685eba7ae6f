import { sql } from "drizzle-orm";
import { intArray, textArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { Dec } from "../money/decimal";
import type { Plan } from "../plan/plan";
import type { VolumeRow } from "../volumes/add-volume";

/** The confirmed order whose volume took a member to a rank: the promotion's instant and period, and the bonus's source. */
export interface VolumeCause {
  orderId: number;
  buyerId: number;
  period: string;
  at: Date;
}

export interface Promotion {
  memberId: number;
  /** Every rank newly reached, lowest first: a jump over several ranks reaches each of them. */
  rankCodes: string[];
  enrolledAt: Date;
  cause: VolumeCause;
}

/**
 * Career rank = the highest rank ever qualified; it never drops. Given fresh volumes of one period
 * (read with `careerFrom` = the lowest rank's PV: see addVolume), finds the members whose qualified
 * rank (PV and PVG both reach it) is above their career rank, raises it, and records each newly
 * reached rank in rank_history once (its primary key makes that exact), dated by the order that
 * caused it (`causes`, asked only for the members found rising). The company root holds no rank:
 * it is the company.
 *
 * Locking (decision 007): only the members found rising are locked, in id order, and re-read under
 * the lock, so of two racing confirmations that both reach a rank, the second sees the first's
 * promotion. The lock is FOR NO KEY UPDATE (what the career_rank update takes anyway), not FOR
 * UPDATE: it must not conflict with the KEY SHARE locks that inserting any row referencing a member
 * takes (an order, a commission line, loyalty points), which other transactions may hold while
 * they wait for volume rows.
 */
export async function promoteQualified(
  tx: Database,
  plan: Plan,
  volumes: VolumeRow[],
  causes: (memberIds: number[]) => Promise<Map<number, VolumeCause>>,
): Promise<Promotion[]> {
  const qualified = new Map<number, number>();
  for (const row of volumes) {
    const position = qualifiedRankPosition(plan, row);
    // careerPosition is null for the root, and for everyone when read without careerFrom.
    if (position > 0 && row.careerPosition !== null && position > row.careerPosition) qualified.set(row.memberId, position);
  }
  if (qualified.size === 0) return [];
  const positions = new Map(plan.ranks.map((rank) => [rank.code, rank.position]));
  const careerOf = (careerRank: string | null) => (careerRank ? positions.get(careerRank)! : 0);
  const rising = [...qualified.keys()];
  const causeOf = await causes(rising);
  const members = await query<{ id: number; careerRank: string | null; enrolledAt: Date }>(
    tx,
    sql`select id, career_rank as "careerRank", enrolled_at as "enrolledAt" from member where id = any(${intArray(rising)}) order by id for no key update`,
  );
  const promotions: Promotion[] = [];
  for (const member of members) {
    const career = careerOf(member.careerRank);
    const reached = plan.ranks.filter((rank) => rank.position > career && rank.position <= qualified.get(member.id)!);
    const cause = causeOf.get(member.id);
    // No order of these volumes raised them (say, a refund's fold): nothing to date a rank by.
    if (reached.length === 0 || !cause) continue;
    const inserted = await query<{ rankCode: string }>(
      tx,
      sql`insert into rank_history (member_id, rank_code, period, reached_at)
          select ${member.id}, code, ${cause.period}, ${cause.at.toISOString()}::timestamptz from unnest(${textArray(reached.map((r) => r.code))}) as code
          on conflict do nothing returning rank_code as "rankCode"`,
    );
    await tx.execute(sql`update member set career_rank = ${reached.at(-1)!.code} where id = ${member.id}`);
    const newlyReached = new Set(inserted.map((row) => row.rankCode));
    if (newlyReached.size > 0) promotions.push({ memberId: member.id, rankCodes: reached.map((r) => r.code).filter((code) => newlyReached.has(code)), enrolledAt: new Date(member.enrolledAt), cause });
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
