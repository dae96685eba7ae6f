import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { numberedThenOverlay, overlayInterleaves, type PageWindow } from "./page-window";
import { nodeValues, overlayUnderNumbered, positionTable, type Slot, type TreeNode } from "./tree";

// A large subtree's downline, one level or every level, paged without a long OFFSET (migrations/0011).
// A numbering's rows are cut in page order into chunks: each depth's rows by order_rank, and every
// row below the root by network_rank (the chunks of "depth" -1). Each chunk holds its rows' lft,
// sorted, so its rows below a member are those in the member's lft range: two binary searches
// (width_bucket). Summing the chunks' counts finds the chunk that holds the page's first row; the
// page then starts at that chunk's first row and skips fewer than a chunk's rows, instead of every
// row before the page.

/** Rows per chunk: a chunk's lft array (1 KB) stays inline in its row, never TOASTed. */
export const LEVEL_CHUNK_ROWS = 256;

/** The `depth` of the chunks of every depth below the root, in network_rank order. */
const EVERY_DEPTH = -1;

/**
 * Whether the chunks find a page sooner than an OFFSET that skips `skip` rows (~0.2 µs each here,
 * bench `tree`): they cost their count, ~200 chunks (~0.3 ms) for a level of 48,000 members, ~4,000
 * (~4 ms) for every level of a network of 1,000,000.
 */
export const chunksPay = (level: number | undefined, skip: number) => skip >= (level === undefined ? 20_000 : 2_000);

/** Rebuilds the chunks of the numbering in `slot` (a renumbering, for the table it has filled). */
export async function buildLevelChunks(tx: Database, slot: Slot, rows = LEVEL_CHUNK_ROWS): Promise<void> {
  const positions = positionTable(slot);
  await tx.execute(sql`delete from tree_level_chunk where slot = ${slot}`);
  await tx.execute(sql`insert into tree_level_chunk (slot, depth, first_rank, lfts)
                       select ${slot}::smallint, depth, min(order_rank), array_agg(lft order by lft) from ${positions} group by depth, order_rank / ${rows}
                       union all
                       select ${slot}::smallint, ${EVERY_DEPTH}::int, min(network_rank), array_agg(lft order by lft) from ${positions}
                       where network_rank is not null group by network_rank / ${rows}`);
}

/**
 * The page at `at` of the members below `node` (exactly `level` below, or all), whose list holds
 * `total` members, found by the chunks. Null when `node` is in the overlay, when the list is not its
 * numbered rows followed by its overlay rows (overlayInterleaves), or when the chunks do not count
 * `total` (none built for this numbering): the caller then pages with OFFSET.
 */
export async function chunkWindow(
  tx: Database,
  slot: Slot,
  node: TreeNode,
  level: number | undefined,
  at: { offset: number; pageSize: number },
  total: number,
): Promise<PageWindow | null> {
  if (node.lft === null || node.size === null) return null;
  const positions = positionTable(slot);
  const [lo, size] = [node.lft, node.size];
  const hi = lo + size;
  const [chunks, rank, numberedRows, overlayDepth] =
    level === undefined
      ? [EVERY_DEPTH, sql.raw("network_rank"), sql`network_rank is not null`, sql`o.depth > ${node.depth}`]
      : [node.depth + level, sql.raw("order_rank"), sql`depth = ${node.depth + level}`, sql`o.depth = ${node.depth + level}`];
  const overlayRows = sql`${overlayDepth} and ${overlayUnderNumbered(nodeValues(node))}`;
  // A chunk's members: its rows in the range, less those of members moved since the numbering.
  const [list] = await preparedQuery<{ numbered: number; start: number | null; skip: number | null; overlay: number; interleaved: boolean }>(
    tx,
    sql`with moved as materialized (
          select ${rank} as rank from ${positions} where moved and ${numberedRows} and lft > ${lo} and lft < ${hi}
        ), placed as materialized (
          select first_rank, members, sum(members) over (order by first_rank) as through
          from (select c.first_rank, width_bucket(${hi}::int - 1, c.lfts) - width_bucket(${lo}::int, c.lfts)
                         - (select count(*) from moved where rank >= c.first_rank and rank < c.first_rank + cardinality(c.lfts))::int as members
                from tree_level_chunk c where c.slot = ${slot} and c.depth = ${chunks} order by c.first_rank) chunk
        )
        select coalesce((select max(through) from placed), 0)::int as numbered, s.first_rank as start, s.skip,
               (select count(*) from tree_overlay o where ${overlayRows})::int as overlay,
               ${overlayInterleaves(positions, numberedRows, rank, overlayRows)} as interleaved
        from (select) one
        left join lateral (select first_rank, (${at.offset}::int - (through - members))::int as skip from placed
                           where through > ${at.offset}::int order by first_rank limit 1) s on true`,
  );
  if (!list || list.interleaved || list.numbered + list.overlay !== total) return null;
  const { start, skip } = list;
  return numberedThenOverlay(
    at,
    list,
    // From the chunk's first row, in page order (the rank). The range test is on `lft - lo`, which
    // no index serves, so the plan (prepared, the same for every list) walks the rank index (which
    // carries lft) from that row rather than reading the whole range by lft and sorting it.
    (take) => sql`select member_id as id from ${positions}
                  where ${numberedRows} and ${rank} >= ${start} and lft - ${lo}::int between 1 and ${size - 1} and not moved
                  order by ${rank} offset ${skip} limit ${take}`,
    overlayRows,
  );
}
