import { sql } from "drizzle-orm";
import * as v from "valibot";
import type { Principal } from "../auth/guard";
import { query, type Database } from "../db/client";
import { nodeInScope } from "./network-scope";
import { below, positionTable, readTree, type Slot, type TreeNode } from "./tree";

const volume = v.pipe(v.string(), v.description("Decimal string with 2 places"));

export const networkSummarySchema = v.object({
  totalDownline: v.pipe(v.number(), v.description("Members below, every level")),
  levels: v.pipe(
    v.array(v.object({ level: v.number(), members: v.number(), pv: volume })),
    v.description("Only levels that have members; pv is the level's personal volume this period"),
  ),
  pv: volume,
  pvg: volume,
});
export type NetworkSummary = v.InferOutput<typeof networkSummarySchema>;

/**
 * Up to this many members below, each member's volume is looked up by primary key; above, the
 * period's volumes are hash-joined (a hash of every active member costs ~100 ms; lookups ~5 µs each).
 */
const LARGE_SUBTREE = 20_000;

/** Per-level head counts and PV of the period, plus the member's own PV and PVG (0 without a volume row). */
export async function networkSummary(db: Database, viewer: Principal, memberCode: string | undefined, period: string): Promise<NetworkSummary> {
  return readTree(db, async (tx) => {
    const { slot, node } = await nodeInScope(tx, viewer, memberCode);
    const levels = node.depth === 0 ? await wholeNetworkLevels(tx, slot, period) : await subtreeLevels(tx, slot, node, period);
    const [own] = await query<{ pv: string; pvg: string }>(tx, sql`select pv::text, pvg::text from member_volume where period = ${period} and member_id = ${node.id}`);
    return {
      totalDownline: levels.reduce((total, level) => total + level.members, 0),
      levels,
      pv: own?.pv ?? "0.00",
      pvg: own?.pvg ?? "0.00",
    };
  });
}

type Level = NetworkSummary["levels"][number];

/**
 * Levels of a member's subtree: its members' depths, their volumes joined. O(subtree): see
 * docs/decisions/001-tree-storage.md for what a subtree of hundreds of thousands costs.
 */
async function subtreeLevels(tx: Database, slot: Slot, node: TreeNode, period: string): Promise<Level[]> {
  const { numbered, overlay } = below(node, slot, { select: "depth" });
  const large = (node.size ?? 0) >= LARGE_SUBTREE;
  if (large) await tx.execute(sql`set local work_mem = '64MB'`); // keep that hash in memory
  return query<Level>(
    tx,
    !large
      ? sql`select s.depth - ${node.depth} as level, count(*)::int as members,
                   coalesce(sum((select v.pv from member_volume v where v.period = ${period} and v.member_id = s.id)), 0)::numeric(16, 2)::text as pv
            from (${numbered} union all ${overlay}) s group by s.depth order by s.depth`
      : sql`select s.depth - ${node.depth} as level, count(*)::int as members, coalesce(sum(v.pv), 0)::numeric(16, 2)::text as pv
            from (${numbered} union all ${overlay}) s
            left join member_volume v on v.period = ${period} and v.member_id = s.id and v.pv <> 0
            group by s.depth order by s.depth`,
  );
}

/**
 * Levels of the whole network (the company root's summary) without reading its members: a depth's
 * numbered members count as the spread of their level ranks (two index probes) less those moved
 * since, plus the overlay's; its PV is the fold's PV by depth (decision 010).
 */
async function wholeNetworkLevels(tx: Database, slot: Slot, period: string): Promise<Level[]> {
  const positions = positionTable(slot);
  return query<Level>(
    tx,
    sql`with numbered as (
          select t as depth, (select level_rank from ${positions} where depth = t order by lft desc limit 1) + 1
                              - (select level_rank from ${positions} where depth = t order by lft limit 1) as members
          from generate_series(1, (select max(depth) from ${positions})) as t
        ), counted as (
          select depth, members from numbered
          union all select depth, -count(*) from ${positions} where moved group by depth
          union all select depth, count(*) from tree_overlay where depth > 0 group by depth
        )
        select c.depth as level, sum(c.members)::int as members, coalesce(max(d.pv), 0)::numeric(16, 2)::text as pv
        from counted c left join depth_volume d on d.period = ${period} and d.depth = c.depth
        group by c.depth having sum(c.members) > 0 order by c.depth`,
  );
}
