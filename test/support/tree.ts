import { sql } from "drizzle-orm";
import { insertTree, type TreeRows } from "../../bench/lib/tree-data";
import { issueAccessToken } from "../../src/auth/tokens";
import { database, query } from "../../src/db/client";
import type { Principal } from "../../src/auth/guard";
import { ROOT_CODE } from "./fixtures";

// Generated genealogies for network tests: set-based inserts (bench/lib/tree-data.ts) instead of
// thousands of enrolMember calls, and naive recursive-CTE answers to check the real ones against.

export interface GrownTree {
  /** Member ids and codes in node order (node i of `parents`). */
  ids: number[];
  codes: string[];
}

/**
 * Inserts nodes shaped by `parents`; -1 means directly under `anchorId` (a member id, or one per
 * node), else under `anchorCode`, else under the company root.
 */
export async function growTree(parents: ArrayLike<number>, options: Partial<Omit<TreeRows, "parents">> & { anchorCode?: string } = {}): Promise<GrownTree> {
  const db = await database();
  const [anchor] = await query<{ id: number }>(db, sql`select id from member where member_code = ${options.anchorCode ?? ROOT_CODE}`);
  if (!anchor) throw new Error(`no member ${options.anchorCode}`);
  const ids = Array.from(await insertTree(db, { ...options, anchorId: options.anchorId ?? anchor.id, parents: Int32Array.from(parents) }));
  const rows = await query<{ id: number; code: string }>(db, sql`select id, member_code as code from member where id = any(${`{${ids.join(",")}}`}::int[])`);
  const codeOf = new Map(rows.map((row) => [row.id, row.code]));
  return { ids, codes: ids.map((id) => codeOf.get(id)!) };
}

/** `count` nodes, each under a random earlier node or (with probability `atTop`) under the anchor. */
export function randomParents(count: number, random: () => number = Math.random, atTop = 0.1): number[] {
  return Array.from({ length: count }, (_, i) => (i === 0 || random() < atTop ? -1 : Math.floor(random() * i)));
}

/** A chain: each node sponsors the next. */
export const chain = (length: number) => Array.from({ length }, (_, i) => i - 1);

export const memberToken = (memberId: number) => issueAccessToken({ memberId, role: "member" });

export async function staffId(role: "support" | "finance" | "admin"): Promise<number> {
  const [row] = await query<{ id: number }>(await database(), sql`select id from member where email = ${`${role}@nnprotect.local`}`);
  return row!.id;
}

/** A staff principal for calling the core directly (it only reads `role` and `inNetwork`). */
export const staffViewer: Principal = { memberId: 0, memberCode: "", role: "support", inNetwork: false };

export interface NaiveMember {
  id: number;
  memberCode: string;
  level: number;
}

/** Everyone below a member by walking sponsor links, in the downline's order (enrolledAt, memberCode). */
export async function naiveBelow(memberId: number): Promise<NaiveMember[]> {
  return query<NaiveMember>(
    await database(),
    sql`with recursive below(id, level) as (
          select id, 0 from member where id = ${memberId}
          union all
          select m.id, below.level + 1 from member m join below on m.sponsor_id = below.id
        )
        select m.id, m.member_code as "memberCode", below.level from below join member m on m.id = below.id
        where below.level > 0 order by m.enrolled_at, m.member_code`,
  );
}

/** Head count per level below a member, from naiveBelow. */
export function levelCounts(members: NaiveMember[]): { level: number; members: number }[] {
  const counts = new Map<number, number>();
  for (const member of members) counts.set(member.level, (counts.get(member.level) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([level, count]) => ({ level, members: count }));
}

export interface NaiveUplineItem {
  level: number;
  memberCode: string;
  name: string;
  careerRank: string | null;
}

/** The upline's items, from the sponsor up to the root, by walking sponsor links. */
export async function naiveUplineItems(memberId: number): Promise<NaiveUplineItem[]> {
  return query<NaiveUplineItem>(
    await database(),
    sql`with recursive up(id, sponsor_id, step) as (
          select id, sponsor_id, 0 from member where id = ${memberId}
          union all
          select m.id, m.sponsor_id, up.step + 1 from member m join up on m.id = up.sponsor_id
        )
        select up.step as level, m.member_code as "memberCode", m.first_name || ' ' || m.last_name as name, r.name as "careerRank"
        from up join member m on m.id = up.id left join rank r on r.code = m.career_rank where up.step > 0 order by up.step`,
  );
}

/** Member codes from the sponsor up to the root. */
export async function naiveUpline(memberId: number): Promise<string[]> {
  return (await naiveUplineItems(memberId)).map((item) => item.memberCode);
}
