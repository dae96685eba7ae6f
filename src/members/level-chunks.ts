import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { numberedThenOverlay, overlayInterleaves, type PageWindow } from "./page-window";
import { nodeValues, overlayUnderNumbered, positionTable, type Slot, type TreeNode } from "./tree";

// A level of a large subtree paged without a long OFFSET (migrations/0011). Each depth's rows of a
// numbering are cut in page order into chunks, each holding its rows' lft sorted: the chunk's rows
// below a member are those in the member's lft range, two binary searches (width_bucket). Summing
// the chunks' counts finds the chunk that holds the page's first row; the page then starts at that
// chunk's first row and skips fewer than a chunk's rows, instead of every row before the page.

/** Rows per chunk: a chunk's lft array (1 KB) stays inline in its row, never TOASTed. */
export const LEVEL_CHUNK_ROWS = 256;

/**
 * OFFSET costs the rows it skips (~0.2 µs each here, bench `tree`); a page that would skip fewer
 * reads them rather than every chunk of its depth (~200 for 48,000 members, ~0.5 ms).
 */
export const CHUNKS_FROM_SKIP = 2_000;

/** Rebuilds the chunks of the numbering in `slot` (a renumbering, for the table it has filled). */
export async function buildLevelChunks(tx: Database, slot: Slot, rows = LEVEL_CHUNK_ROWS): Promise<void> {
  await tx.execute(sql`delete from tree_level_chunk where slot = ${slot}`);
  await tx.execute(sql`insert into tree_level_chunk (slot, depth, first_rank, lfts)
                       select ${slot}, depth, min(order_rank), array_agg(lft order by lft) from ${positionTable(slot)}
                       group by depth, order_rank / ${rows}`);
}

/**
 * The page at `at` of the members exactly `level` below `node`, whose list holds `total` members,
 * found by the chunks. Null when `node` is in the overlay, when the list is not its numbered rows
 * followed by its overlay rows (overlayInterleaves), or when the chunks do not count `total` (none
 * built for this numbering): the caller then pages with OFFSET.
 */
export async function chunkWindow(
  tx: Database,
  slot: Slot,
  node: TreeNode,
  level: number,
  at: { offset: number; pageSize: number },
  total: number,
): Promise<PageWindow | null> {
  if (node.lft === null || node.size === null) return null;
  const positions = positionTable(slot);
  const depth = node.depth + level;
  const [lo, size] = [node.lft, node.size];
  const hi = lo + size;
  const numberedRows = sql`depth = ${depth}`;
  const overlayRows = sql`o.depth = ${depth} and ${overlayUnderNumbered(nodeValues(node))}`;
  // A chunk's members: its rows in the range, less those of members moved since the numbering.
  const [list] = await preparedQuery<{ numbered: number; start: number | null; skip: number | null; overlay: number; interleaved: boolean }>(
    tx,
    sql`with moved as materialized (
          select order_rank from ${positions} where moved and depth = ${depth} and lft > ${lo} and lft < ${hi}
        ), chunk as (
          select c.first_rank, width_bucket(${hi}::int - 1, c.lfts) - width_bucket(${lo}::int, c.lfts)
                   - (select count(*) from moved where order_rank >= c.first_rank and order_rank < c.first_rank + cardinality(c.lfts))::int as members
          from tree_level_chunk c where c.slot = ${slot} and c.depth = ${depth}
        ), placed as (
          select first_rank, members, sum(members) over (order by first_rank) as through from chunk
        )
        select coalesce((select sum(members) from chunk), 0)::int as numbered, s.first_rank as start, s.skip,
               (select count(*) from tree_overlay o where ${overlayRows})::int as overlay,
               ${overlayInterleaves(positions, numberedRows, sql`order_rank`, overlayRows)} as interleaved
        from (select) one
        left join lateral (select first_rank, (${at.offset}::int - (through - members))::int as skip from placed
                           where through > ${at.offset}::int order by first_rank limit 1) s on true`,
  );
  if (!list || list.interleaved || list.numbered + list.overlay !== total) return null;
  const { start, skip } = list;
  return numberedThenOverlay(
    at,
    list,
    // From the chunk's first row, in page order (order_rank). The range test is on `lft - lo`, which
    // no index serves, so the plan (prepared, the same for every list) walks the rank index from that
    // row rather than reading the whole range by lft and sorting it.
    (take) => sql`select member_id as id from ${positions}
                  where depth = ${depth} and order_rank >= ${start} and lft - ${lo}::int between 1 and ${size - 1} and not moved
                  order by order_rank offset ${skip} limit ${take}`,
    overlayRows,
  );
}
