import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
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
 * Adds an order's PV (negative for a refund) to the buyer's period PV and PVG at once, and records
 * it as a volume event for the fold, which adds it to the PVG of every ancestor (docs/decisions/010).
 * So a confirmation locks one volume row, its buyer's, and never the rows every confirmation
 * shares (the root's, the top leaders'). Answers the buyer's new totals.
 *
 * `careerFrom` (the lowest rank's PV) makes the same statement read the buyer's career rank when
 * their PV reaches it, so that qualification needs no further statement unless someone rises.
 */
export async function addVolume(tx: Database, input: { memberId: number; orderId: number; period: string; pv: Dec; at: Date; careerFrom?: Dec }): Promise<VolumeRow> {
  const pv = input.pv.toFixed();
  const [row] = await preparedQuery<VolumeRow>(
    tx,
    sql`with upserted as (
          insert into member_volume as v (period, member_id, pv, pvg) values (${input.period}, ${input.memberId}, ${pv}::numeric, ${pv}::numeric)
          on conflict (period, member_id) do update set pv = v.pv + excluded.pv, pvg = v.pvg + excluded.pvg
          returning v.member_id, v.pv, v.pvg
        ), event as (
          insert into volume_event (period, member_id, order_id, pv, at) values (${input.period}, ${input.memberId}, ${input.orderId}, ${pv}::numeric, ${input.at.toISOString()}::timestamptz)
        )
        select u.member_id as "memberId", u.pv::text as pv, u.pvg::text as pvg, ${careerPositionOf(sql`u`, input.careerFrom)} as "careerPosition"
        from upserted u`,
  );
  return row!;
}

/**
 * The career rank position of the member of volume row `v` when its PV reaches `careerFrom` and it
 * is not the root, else null: a gated subquery, so no member row is read for anyone below it.
 */
export const careerPositionOf = (v: SQL, careerFrom: Dec | undefined) =>
  sql`case when ${v}.pv >= ${careerFrom?.toFixed() ?? null}::numeric then
        (select coalesce(r.position, 0)::int from member m left join rank r on r.code = m.career_rank where m.id = ${v}.member_id and m.sponsor_id is not null)
      end`;
