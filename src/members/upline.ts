import { sql } from "drizzle-orm";
import * as v from "valibot";
import type { Principal } from "../auth/guard";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { notFound } from "../errors";
import { scopedMember } from "./network-scope";

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

/**
 * The sponsors above a member up to the root, in one statement with the scope check (a missing
 * member row means 404; the root's own upline is empty): one index-only lookup (member_network) of
 * the ids in its path. Its plan is the same for every member, so it is prepared once.
 */
export async function upline(db: Database, viewer: Principal, memberCode: string | undefined): Promise<Upline> {
  const rows = await preparedQuery<Partial<Upline["items"][number]>>(
    db,
    sql`select u.level, u."memberCode", u.name, u."careerRank"
        from (select m.id, m.depth from member m where ${scopedMember(viewer, memberCode)}) t
        left join lateral (
          select t.depth - a.depth as level, a.member_code as "memberCode", a.first_name || ' ' || a.last_name as name, r.name as "careerRank"
          from member a left join rank r on r.code = a.career_rank
          where a.id = any((select path from member where id = t.id)::int[]) and a.id <> t.id and a.path is not null
        ) u on true
        order by u.level`,
  );
  if (rows.length === 0) throw notFound("Member");
  return { items: rows.filter((row): row is Upline["items"][number] => row.level !== null) };
}
