import { sql } from "drizzle-orm";
import { query, type Database } from "../db/client";
import type { Dec } from "../money/decimal";

export interface VolumeRow {
  memberId: number;
  pv: string;
  pvg: string;
  /**
   * With `careerFrom`: the member's career rank position (0 before the first rank) when their
   * period PV reaches it and they are not the company root; otherwise null (not read).
   */
  careerPosition: number | null;
}

/**
 * Adds an order's PV (negative for a refund) to the buyer's period PV and to the PVG of the buyer
 * and every ancestor, in one additive upsert, and answers the new totals of every touched row.
 *
 * Locking: rows are locked deepest first, so any two confirmations meet their shared ancestors in
 * the same order (no deadlock), and the root, which every confirmation shares, is locked last and
 * held only until commit.
 *
 * `careerFrom` (the lowest rank's PV) makes the same statement read the career rank of the few
 * members who could qualify for a rank, so that a confirmation needs no further statement while it
 * holds the root's row unless someone is promoted. A gated subquery: no read for anyone below it.
 */
export async function addVolume(tx: Database, input: { memberId: number; period: string; pv: Dec; careerFrom?: Dec }): Promise<VolumeRow[]> {
  const pv = input.pv.toFixed();
  return query<VolumeRow>(
    tx,
    sql`with upserted as (
          insert into member_volume as v (period, member_id, pv, pvg)
          select ${input.period}, ancestor.id, case when ancestor.id = ${input.memberId} then ${pv}::numeric else 0 end, ${pv}::numeric
          from member, unnest(member.path) with ordinality as ancestor(id, position)
          where member.id = ${input.memberId}
          order by ancestor.position desc
          on conflict (period, member_id) do update set pv = v.pv + excluded.pv, pvg = v.pvg + excluded.pvg
          returning v.member_id, v.pv, v.pvg
        )
        select u.member_id as "memberId", u.pv::text as pv, u.pvg::text as pvg,
               case when u.pv >= ${input.careerFrom?.toFixed() ?? null}::numeric then
                 (select coalesce(r.position, 0)::int from member m left join rank r on r.code = m.career_rank where m.id = u.member_id and m.sponsor_id is not null)
               end as "careerPosition"
        from upserted u`,
  );
}
