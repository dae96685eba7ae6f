import { sql } from "drizzle-orm";
import { query, type Database } from "../db/client";
import type { Dec } from "../money/decimal";

export interface VolumeRow {
  memberId: number;
  pv: string;
  pvg: string;
}

/**
 * Adds an order's PV (negative for a refund) to the buyer's period PV and to the PVG of the buyer
 * and every ancestor, in one additive upsert, and answers the new totals of every touched row.
 *
 * Locking: rows are locked deepest first, so any two confirmations meet their shared ancestors in
 * the same order (no deadlock), and the root, which every confirmation shares, is locked last and
 * held only until commit.
 */
export async function addVolume(tx: Database, input: { memberId: number; period: string; pv: Dec }): Promise<VolumeRow[]> {
  const pv = input.pv.toFixed();
  return query<VolumeRow>(
    tx,
    sql`insert into member_volume as v (period, member_id, pv, pvg)
        select ${input.period}, ancestor.id, case when ancestor.id = ${input.memberId} then ${pv}::numeric else 0 end, ${pv}::numeric
        from member, unnest(member.path) with ordinality as ancestor(id, position)
        where member.id = ${input.memberId}
        order by ancestor.position desc
        on conflict (period, member_id) do update set pv = v.pv + excluded.pv, pvg = v.pvg + excluded.pvg
        returning v.member_id as "memberId", v.pv::text as pv, v.pvg::text as pvg`,
  );
}
