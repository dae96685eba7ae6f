import { sql, type SQL } from "drizzle-orm";
import * as v from "valibot";
import type { Principal } from "../auth/guard";
import { query, type Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { containsPattern, offsetOf, pageOf } from "../http/list";
import { pageQuery, queryInt, type Page } from "../http/schemas";
import { networkMemberParam, nodeInScope } from "./network-scope";
import { below, nodeValues, overlayUnderNumbered, overlayUnderOverlay, positionTable, readTree, type NodeColumns, type Slot, type TreeNode } from "./tree";
import { chunksPay, chunkWindow } from "./level-chunks";
import type { PageWindow } from "./page-window";
import { rootWindow } from "./root-window";

export const downlineQuery = v.strictObject({
  member: networkMemberParam,
  level: v.optional(v.pipe(queryInt(1, 1_000_000), v.description("Levels below the member (1 = directs); absent: every level"))),
  ...pageQuery,
  search: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(100), v.description("Part of the name or member code (case-insensitive)"))),
});
export type DownlineQuery = v.InferOutput<typeof downlineQuery>;

export const downlineItemSchema = v.object({
  memberCode: v.string(),
  name: v.string(),
  level: v.number(),
  country: v.string(),
  careerRank: v.pipe(v.nullable(v.string()), v.description("Name of the highest rank ever reached")),
  pv: v.pipe(v.string(), v.description("This period, decimal string with 2 places")),
  pvg: v.pipe(v.string(), v.description("This period, decimal string with 2 places")),
  enrolledAt: v.pipe(v.string(), v.description("ISO 8601 instant")),
});
export type DownlineItem = v.InferOutput<typeof downlineItemSchema>;

/**
 * One page of the members below, ordered by enrolment instant then member code (a total order, so
 * pages never overlap or skip). A page of the company root's downline (one level or all) starts at
 * a rank (root-window.ts), one far into another member's long list at a chunk (level-chunks.ts);
 * any other page is cut with OFFSET (offsetWindow).
 */
export async function downlinePage(db: Database, viewer: Principal, request: DownlineQuery, period: string): Promise<Page<DownlineItem>> {
  return readTree(db, async (tx) => {
    // A root's list is counted by rootWindow and a search by its matches; any other list is
    // counted in the statement that finds its member (one round trip fewer, and planned once).
    const counted = (node: NodeColumns, slot: Slot) => sql`case when ${node.depth} > 0 then ${countBelow(slot, node, request.level)} end`;
    const { slot, node, count } = await nodeInScope(tx, viewer, request.member, request.search === undefined ? counted : undefined);
    const at = { offset: offsetOf(request), pageSize: request.pageSize };
    const rootList = node.depth === 0 && node.lft !== null && request.search === undefined;
    // Far from both ends of a long list, OFFSET would skip thousands of rows: the chunks find the page.
    const deep = count !== null && chunksPay(request.level, Math.min(at.offset, count - at.offset - at.pageSize));
    const window =
      (rootList && (await rootWindow(tx, slot, request.level, at))) ||
      (deep && (await chunkWindow(tx, slot, node, request.level, at, count))) ||
      (await offsetWindow(tx, slot, node, request, at, count));
    if (!window.page) return pageOf([], window.total, request);
    const items = await (window.planIndependent ? preparedQuery : query)<Omit<DownlineItem, "enrolledAt"> & { enrolledAt: Date }>(
      tx,
      sql`with page as (${window.page})
          select m.member_code as "memberCode", m.first_name || ' ' || m.last_name as name, m.depth - ${node.depth} as level, m.country,
                 r.name as "careerRank", coalesce(v.pv, 0)::numeric(14, 2)::text as pv, coalesce(v.pvg, 0)::numeric(16, 2)::text as pvg,
                 m.enrolled_at as "enrolledAt"
          from page join member m on m.id = page.id
          left join rank r on r.code = m.career_rank
          left join member_volume v on v.period = ${period} and v.member_id = m.id
          order by m.enrolled_at, m.member_code`,
    );
    return pageOf(
      items.map((item) => ({ ...item, enrolledAt: new Date(item.enrolledAt).toISOString() })),
      window.total,
      request,
    );
  });
}

/**
 * The page cut with OFFSET from the members below (of one level, or matching the search). OFFSET
 * costs the rows it skips, so pages past the middle are read from the far end in reverse: no page
 * costs more than half the list. Each part is ordered and cut on its own, so it can walk an index
 * in page order; the two are then merged.
 */
async function offsetWindow(
  tx: Database,
  slot: Slot,
  node: TreeNode,
  request: DownlineQuery,
  at: { offset: number; pageSize: number },
  counted: number | null,
): Promise<PageWindow> {
  const matching = request.search === undefined ? undefined : nameOrCodeMatches(request.search);
  const { numbered, overlay } = below(node, slot, { level: request.level, select: "order", where: matching });
  const total =
    counted ?? (await countOf(tx, matching ? sql`(select count(*) from (${numbered} union all ${overlay}) s)` : countBelow(slot, nodeValues(node), request.level)));
  const take = Math.min(at.pageSize, total - at.offset);
  if (take <= 0) return { total, page: null, planIndependent: false };
  const fromEnd = at.offset + take / 2 > total / 2;
  const skip = fromEnd ? total - at.offset - take : at.offset;
  const order = sql.raw(fromEnd ? "enrolled_at desc, member_code desc" : "enrolled_at, member_code");
  return {
    total,
    page: sql`select s.id from ((${numbered} order by ${order} limit ${skip + take}) union all (${overlay} order by ${order} limit ${skip + take})) s
              order by ${order} limit ${take} offset ${skip}`,
    planIndependent: false,
  };
}

/** The member whose id is in `memberId` has the text in its name or member code. */
const nameOrCodeMatches = (search: string) => (memberId: SQL) =>
  sql`exists (select 1 from member sm where sm.id = ${memberId} and (lower(sm.first_name || ' ' || sm.last_name) like ${containsPattern(search)} or lower(sm.member_code) like ${containsPattern(search)}))`;

/**
 * How many members are below `node` (or exactly `level` below) without reading them, as an
 * expression: a numbered level range counts as the difference of two level ranks and a numbered
 * subtree as its size, less the rows of members moved away since; overlay members are counted one by
 * one (they are few). Each part is an index probe whatever the node, so the expression plans the
 * same for literal values and for liveNode's columns.
 */
function countBelow(slot: Slot, node: NodeColumns, level: number | undefined): SQL {
  const positions = positionTable(slot);
  const [lo, hi, t] = [node.lft, sql`${node.lft} + ${node.size}`, sql`${node.depth} + ${level ?? 0}`];
  const movedAway = sql`(select count(*) from ${positions} where moved and ${level === undefined ? sql`true` : sql`depth = ${t}`} and lft > ${lo} and lft < ${hi})`;
  const numbered =
    level === undefined
      ? sql`${node.size} - 1`
      : sql`coalesce(coalesce((select level_rank from ${positions} where depth = ${t} and lft >= ${hi} order by lft limit 1),
                             (select level_rank + 1 from ${positions} where depth = ${t} order by lft desc limit 1))
                    - (select level_rank from ${positions} where depth = ${t} and lft > ${lo} order by lft limit 1), 0)`;
  const inOverlay = (place: SQL) =>
    sql`(select count(*) from tree_overlay o where ${level === undefined ? sql`o.depth > ${node.depth}` : sql`o.depth = ${t}`} and ${place})`;
  return sql`case when ${node.lft} is null then ${inOverlay(overlayUnderOverlay(node))}
                  else ${numbered} - ${movedAway} + ${inOverlay(overlayUnderNumbered(node))} end`;
}

async function countOf(tx: Database, expression: SQL): Promise<number> {
  const [row] = await query<{ count: number }>(tx, sql`select (${expression})::int as count`);
  return row?.count ?? 0;
}
