import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { numberedThenOverlay, overlayInterleaves, type PageWindow } from "./page-window";
import { positionTable, type Slot } from "./tree";

/**
 * A page of the company root's downline, of one level (`depth`) or of every level: up to tens of
 * thousands of members at one depth, a million in all. The live numbering ranks the rows in page
 * order, each depth's rows (`order_rank`) and all rows below the root (`network_rank`), so the page
 * starts at a rank instead of skipping rows with OFFSET. That holds while the overlay members all
 * sort after the numbered ones, as new signups do (they join later); then the list is its unmoved
 * numbered rows in rank order followed by its overlay rows. When they interleave (a member moved
 * since the renumbering keeps its old enrolment instant) the answer is null and the caller pages
 * with OFFSET until the next renumbering.
 */
export async function rootWindow(tx: Database, slot: Slot, depth: number | undefined, at: { offset: number; pageSize: number }): Promise<PageWindow | null> {
  const positions = positionTable(slot);
  const rank = sql.raw(depth === undefined ? "network_rank" : "order_rank");
  const numberedRows = depth === undefined ? sql`network_rank is not null` : sql`depth = ${depth}`;
  const overlayRows = depth === undefined ? sql`o.depth > 0` : sql`o.depth = ${depth}`;
  const [list] = await preparedQuery<{ numbered: number; moved: number[]; overlay: number; interleaved: boolean }>(
    tx,
    sql`select coalesce((select ${rank} + 1 from ${positions} where ${numberedRows} order by ${rank} desc limit 1), 0) as numbered,
               array(select ${rank} from ${positions} where ${numberedRows} and moved order by ${rank}) as moved,
               (select count(*) from tree_overlay o where ${overlayRows})::int as overlay,
               ${overlayInterleaves(positions, numberedRows, rank, overlayRows)} as interleaved`,
  );
  if (!list || list.interleaved) return null;
  return numberedThenOverlay(
    at,
    { numbered: list.numbered - list.moved.length, overlay: list.overlay },
    (take) => sql`select member_id as id from ${positions} where ${numberedRows} and ${rank} >= ${rankOfUnmoved(at.offset, list.moved)} and not moved
                  order by ${rank} limit ${take}`,
    overlayRows,
  );
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
