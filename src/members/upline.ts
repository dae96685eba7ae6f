import { sql } from "drizzle-orm";
import * as v from "valibot";
import type { Principal } from "../auth/guard";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { notFound } from "../errors";
import { getPlan } from "../plan/plan";
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
export type Upline = v.InferOutput<typeof uplineSchema>;

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
 */
export async function upline(db: Database, viewer: Principal, memberCode: string | undefined): Promise<Upline> {
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
  const rankName = (code: string | null) => (code === null ? null : plan.rank(code).name);
  const items: Upline["items"] = new Array(self.depth);
  const place = (depth: number, [memberCode, name, careerRank]: UplineBlockItem) => {
    const level = self.depth - depth;
    items[level - 1] = { level, memberCode, name, careerRank: rankName(careerRank) };
  };
  for (const row of rows) {
    if (row.kind === "block") (JSON.parse(row.items) as UplineBlockItem[]).forEach((item, i) => place(row.depth - i, item));
    else if (row.kind === "ancestor") place(row.depth, [row.memberCode, row.name, row.careerRank]);
  }
  return { items };
}
