import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { positionTable, type Slot } from "./tree";

/** Which rows make one page: a statement selecting their member ids (`page` null when the page is past the end). */
export interface PageWindow {
  total: number;
  page: SQL | null;
  /** The page statement's best plan does not depend on its values (it may be prepared). */
  planIndependent: boolean;
}

/** A numbered member (its live row's lft and size). */
interface NumberedNode {
  depth: number;
  lft: number;
  size: number;
}

/**
 * One level of a numbered member's downline, counted; and, when that level holds most of its
 * depth (every level of the company root, the wide levels of a top leader), the page cut by rank.
 *
 * The live numbering ranks each depth's rows in page order (`order_rank`). The level is the rows of
 * its depth inside the member's lft range and not moved since, then its overlay members. So the
 * n-th of them is found from the ranks of the few rows it excludes (outside the range, or moved),
 * instead of skipping n rows with OFFSET. That holds while the level's overlay members all sort
 * after the numbered rows of the depth, as new signups do (they join later). When they interleave
 * (a member moved since the renumbering keeps its old enrolment instant), or when the range holds
 * too little of the depth for its excluded ranks to be few, `window` is null: the caller pages with
 * OFFSET, knowing the total.
 */
export async function levelByRank(
  tx: Database,
  slot: Slot,
  node: NumberedNode,
  level: number,
  at: { offset: number; pageSize: number },
): Promise<{ total: number; window: PageWindow | null }> {
  const positions = positionTable(slot);
  const t = node.depth + level;
  const [lo, hi] = [node.lft, node.lft + node.size];
  // Overlay members below the node: all of the depth's for the root, else those anchored in its range.
  const overlayHere = (o: string) => (node.depth === 0 ? sql`true` : sql`${sql.raw(o)}.anchor_lft >= ${lo} and ${sql.raw(o)}.anchor_lft < ${hi}`);
  const [stats] = await preparedQuery<{ total: number; overlay: number; excluded: number[] | null; interleaved: boolean }>(
    tx,
    sql`with counts as (
          select coalesce((select order_rank + 1 from ${positions} where depth = ${t} order by order_rank desc limit 1), 0) as depth_rows,
                 ${rowsInRange(positions, t, lo, hi)} as range_rows,
                 (select count(*) from ${positions} where depth = ${t} and moved and lft > ${lo} and lft < ${hi}) as moved_rows,
                 (select count(*) from tree_overlay o where o.depth = ${t} and ${overlayHere("o")}) as overlay_rows
        )
        select (range_rows - moved_rows + overlay_rows)::int as total, overlay_rows::int as overlay,
               -- Excluded: the depth's rows outside the range, and moved ones inside it. Few enough
               -- when they are at most a quarter of the range's rows (a random page skips that many).
               case when (depth_rows - range_rows + moved_rows) * 4 <= range_rows then array(
                 (select order_rank from ${positions} where depth = ${t} and lft < ${lo})
                 union all (select order_rank from ${positions} where depth = ${t} and lft >= ${hi})
                 union all (select order_rank from ${positions} where depth = ${t} and moved and lft > ${lo} and lft < ${hi})
                 order by 1) end as excluded,
               exists (select 1 from tree_overlay o
                       where o.depth = ${t} and ${overlayHere("o")}
                         and (o.enrolled_at, o.member_code) < (select p.enrolled_at, p.member_code from ${positions} p where p.depth = ${t}
                                                               order by p.enrolled_at desc, p.member_code desc limit 1)) as interleaved
        from counts`,
  );
  const total = stats?.total ?? 0;
  if (!stats?.excluded || stats.interleaved) return { total, window: null };
  const numbered = total - stats.overlay;
  const take = Math.min(at.pageSize, total - at.offset);
  if (take <= 0) return { total, window: { total, page: null, planIndependent: true } };
  const fromNumbered = Math.max(0, Math.min(take, numbered - at.offset));
  const parts: SQL[] = [];
  if (fromNumbered > 0) {
    parts.push(sql`(select member_id as id from ${positions}
                    where depth = ${t} and order_rank >= ${rankOfIncluded(at.offset, stats.excluded)} and lft > ${lo} and lft < ${hi} and not moved
                    order by order_rank limit ${fromNumbered})`);
  }
  if (take > fromNumbered) {
    parts.push(sql`(select o.member_id as id from tree_overlay o where o.depth = ${t} and ${overlayHere("o")} order by o.enrolled_at, o.member_code
                    offset ${Math.max(0, at.offset - numbered)} limit ${take - fromNumbered})`);
  }
  return { total, window: { total, page: sql.join(parts, sql` union all `), planIndependent: true } };
}

/**
 * How many rows of depth `t` have an lft in (lo, hi), moved ones included: the difference of two
 * level ranks (each depth's rows are ranked in lft order), read with three index probes.
 */
export function rowsInRange(positions: SQL, t: number, lo: number, hi: number): SQL {
  return sql`coalesce(coalesce((select level_rank from ${positions} where depth = ${t} and lft >= ${hi} order by lft limit 1),
                               (select level_rank + 1 from ${positions} where depth = ${t} order by lft desc limit 1))
                      - (select level_rank from ${positions} where depth = ${t} and lft > ${lo} order by lft limit 1), 0)`;
}

/**
 * The rank of the `index`-th (from 0) included row, given the excluded ranks in ascending order:
 * the i-th excluded rank (from 0) has `rank - i` included rows before it, so it comes before the
 * wanted row exactly when that is at most `index`.
 */
export function rankOfIncluded(index: number, excludedRanks: readonly number[]): number {
  return index + excludedRanks.filter((rank, i) => rank - i <= index).length;
}
