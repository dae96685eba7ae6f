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

/**
 * A page of one whole level of the network: everyone at `depth` (the company root's downline by
 * level, up to tens of thousands of members). The live numbering ranks each depth's rows in page
 * order (`order_rank`), so the page starts at a rank instead of skipping rows with OFFSET. That
 * holds while the level's overlay members all sort after its numbered ones, as new signups do (they
 * join later); then the level is its unmoved numbered rows in rank order followed by its overlay
 * rows. When they interleave (a member moved since the renumbering keeps its old enrolment instant)
 * the answer is null and the caller pages with OFFSET until the next renumbering.
 */
export async function wholeLevelWindow(tx: Database, slot: Slot, depth: number, at: { offset: number; pageSize: number }): Promise<PageWindow | null> {
  const positions = positionTable(slot);
  const [level] = await preparedQuery<{ numbered: number; moved: number[]; overlay: number; interleaved: boolean }>(
    tx,
    sql`select coalesce((select order_rank + 1 from ${positions} where depth = ${depth} order by order_rank desc limit 1), 0) as numbered,
               array(select order_rank from ${positions} where depth = ${depth} and moved order by order_rank) as moved,
               (select count(*) from tree_overlay where depth = ${depth})::int as overlay,
               exists (select 1 from tree_overlay o
                       where o.depth = ${depth}
                         and (o.enrolled_at, o.member_code) < (select p.enrolled_at, p.member_code from ${positions} p where p.depth = ${depth}
                                                               order by p.enrolled_at desc, p.member_code desc limit 1)) as interleaved`,
  );
  if (!level || level.interleaved) return null;
  const unmoved = level.numbered - level.moved.length;
  const total = unmoved + level.overlay;
  const take = Math.min(at.pageSize, total - at.offset);
  if (take <= 0) return { total, page: null, planIndependent: true };
  const fromNumbered = Math.max(0, Math.min(take, unmoved - at.offset));
  const parts: SQL[] = [];
  if (fromNumbered > 0) {
    parts.push(sql`(select member_id as id from ${positions} where depth = ${depth} and order_rank >= ${rankOfUnmoved(at.offset, level.moved)} and not moved
                    order by order_rank limit ${fromNumbered})`);
  }
  if (take > fromNumbered) {
    parts.push(sql`(select member_id as id from tree_overlay where depth = ${depth} order by enrolled_at, member_code
                    offset ${Math.max(0, at.offset - unmoved)} limit ${take - fromNumbered})`);
  }
  return { total, page: sql.join(parts, sql` union all `), planIndependent: true };
}

/** The rank of the `index`-th (from 0) unmoved row, given the ranks of the moved rows in ascending order. */
export function rankOfUnmoved(index: number, movedRanks: readonly number[]): number {
  let rank = index;
  for (const moved of movedRanks) {
    if (moved > rank) break;
    rank += 1;
  }
  return rank;
}
