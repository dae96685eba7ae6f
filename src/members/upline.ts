import { sql } from "drizzle-orm";
import * as v from "valibot";
import type { Principal } from "../auth/guard";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { notFound } from "../errors";
import { getPlan, type Plan } from "../plan/plan";
import { scopedMember } from "./network-scope";
import { UPLINE_BLOCK_LEVELS, type UplineBlockItem } from "./upline-blocks";

export const uplineSchema = v.object({
  items: v.pipe(
    v.array(
      v.object({
        level: v.pipe(v.number(), v.description("1 = the sponsor")),
        memberCode: v.string(),
        name: v.string(),
        careerRank: v.pipe(v.nullable(v.string()), v.description("Name of the highest rank ever reached")),
      }),
    ),
    v.description("Nearest first, ending at the company root"),
  ),
});

/** A row of the upline statement: the member itself, a block (keyed at `depth`), or one ancestor. */
type UplineRow =
  | { kind: "self"; depth: number }
  | { kind: "block"; depth: number; items: string }
  | { kind: "ancestor"; depth: number; memberCode: string; name: string; careerRank: string | null };

/**
 * The sponsors above a member up to the root, in one statement with the scope check (no row: 404;
 * the root's own upline is empty). The ancestors come from the member's path, read once: those
 * at a depth that keys a block bring their block's 64 levels (upline-blocks.ts); the levels no
 * block covers (the root, the levels below the deepest key, a block not built yet) are looked up one
 * by one in the member_network index. Its plan is the same for every member, so it is prepared.
 * Answers each item as its JSON text (an item of uplineSchema), nearest first, ready to write.
 */
export async function upline(db: Database, viewer: Principal, memberCode: string | undefined): Promise<string[]> {
  const levels = sql.raw(String(UPLINE_BLOCK_LEVELS));
  const rows = await preparedQuery<UplineRow>(
    db,
    sql`with t as materialized (
          select m.depth, m.path[1:m.depth] as ancestors from member m where ${scopedMember(viewer, memberCode)}
        ), block as materialized (
          select k, (select b.items from upline_block b where k > 0 and b.member_id = t.ancestors[k * ${levels} + 1]) as items
          from t cross join generate_series(0, (t.depth - 1) / ${levels}) k
          where t.depth > 0
        ), single as (
          select d as depth, t.ancestors[d + 1] as id from t, block, generate_series(greatest(block.k * ${levels} - ${levels} + 1, 0), block.k * ${levels}) d
          where block.items is null
          union all
          select d, t.ancestors[d + 1] from t, generate_series((t.depth - 1) / ${levels} * ${levels} + 1, t.depth - 1) d
        )
        select 'self' as kind, t.depth, null as items, null as "memberCode", null as name, null as "careerRank" from t
        union all
        select 'block', block.k * ${levels}, block.items, null, null, null from block where block.items is not null
        union all
        select 'ancestor', single.depth, null, a.member_code, a.first_name || ' ' || a.last_name, a.career_rank
        from single join member a on a.id = single.id and a.path is not null`,
  );
  const self = rows.find((row) => row.kind === "self");
  if (!self) throw notFound("Member");
  const plan = await getPlan(db);
  const items: string[] = new Array(self.depth);
  const place = (depth: number, rest: string) => {
    const level = self.depth - depth;
    items[level - 1] = `{"level":${level},${rest}`;
  };
  for (const row of rows) {
    if (row.kind === "block") renderedBlock(plan, row.items).forEach((rest, i) => place(row.depth - i, rest));
    else if (row.kind === "ancestor") place(row.depth, afterLevel(plan, [row.memberCode, row.name, row.careerRank]));
  }
  return items;
}

/** An item's JSON after its level: `"memberCode":…,"name":…,"careerRank":…}` (the rank's name). */
const afterLevel = (plan: Plan, [memberCode, name, careerRank]: UplineBlockItem) =>
  JSON.stringify({ memberCode, name, careerRank: careerRank === null ? null : plan.rank(careerRank).name }).slice(1);

// Blocks rendered once per instance: parsing a block's items and serialising them again was most of
// a deep upline's time (~1.5 ms of 2,099 items). Keyed by the block's very text, so a changed block
// is a new entry, and kept for one plan (its rank names); the oldest entry goes first.
const RENDERED_BLOCKS = 1_024;
let rendered: { plan: Plan; byItems: Map<string, string[]> } | undefined;

function renderedBlock(plan: Plan, items: string): string[] {
  if (rendered?.plan !== plan) rendered = { plan, byItems: new Map() };
  let block = rendered.byItems.get(items);
  if (!block) {
    block = (JSON.parse(items) as UplineBlockItem[]).map((item) => afterLevel(plan, item));
    if (rendered.byItems.size >= RENDERED_BLOCKS) rendered.byItems.delete(rendered.byItems.keys().next().value!);
    rendered.byItems.set(items, block);
  }
  return block;
}
