import { sql } from "drizzle-orm";
import * as v from "valibot";
import { writeAudit } from "../audit/audit";
import { query, type Database } from "../db/client";
import { notFound, refused } from "../errors";
import { foldPending, lockFold } from "../volumes/fold";
import { below, liveNode, lockTreeNumbering, lockTreeShape, positionTable } from "./tree";

export interface MemberMove {
  actorId: number;
  memberCode: string;
  newSponsorCode: string;
  requestId?: string;
}

export const memberMovedSchema = v.object({
  memberCode: v.string(),
  sponsorCode: v.string(),
  previousSponsorCode: v.string(),
  depth: v.pipe(v.number(), v.description("The member's new depth (the root is 0)")),
  movedMembers: v.pipe(v.number(), v.description("The member and everyone below, whose upline changed; 0 when the sponsor was already this one")),
});
export type MemberMoved = v.InferOutput<typeof memberMovedSchema>;

interface Placed {
  id: number;
  memberCode: string;
  depth: number;
  sponsorId: number | null;
}

const placed = (memberCode: string) =>
  sql`select id, member_code as "memberCode", depth, sponsor_id as "sponsorId" from member where member_code = ${memberCode.trim().toUpperCase()} and path is not null`;

/**
 * Moves a member, with everyone below, under another sponsor (SPEC 4), audited in the same
 * transaction. Refused for the root and under the member's own subtree (that would cut it off in a
 * cycle). Moves are serialised, and wait for running signups and renumberings, so the cycle check
 * and the rewrite see the same tree. Every moved member's path and depth is rewritten in one
 * statement and the moved subtree enters the overlay: its old numbered rows are flagged, so the old
 * ancestors' ranges stop counting them, and it is anchored under the new sponsor, so the new
 * ancestors' ranges take it in. The open periods' PV by depth moves with it; the old and new
 * ancestors' PVG stays where it was earned (decision 001).
 * Moving a member to the sponsor it already has changes nothing and writes no audit row.
 */
export async function moveMember(db: Database, move: MemberMove): Promise<MemberMoved> {
  return db.transaction(async (tx) => {
    // The fold lock first (decision 010), then fold what is pending under the exclusive shape lock (no
    // confirmation can add more): depth_volume then holds every PV at its member's current depth.
    await lockFold(tx);
    await lockTreeNumbering(tx);
    await lockTreeShape(tx, "exclusive");
    await foldPending(tx);
    const [member] = await query<Placed>(tx, placed(move.memberCode));
    if (!member) throw notFound("Member");
    if (member.sponsorId === null) throw refused("The company root cannot be moved");
    const [sponsor] = await query<Placed & { inside: boolean }>(
      tx,
      sql`select s.*, m.path[${member.depth + 1}] is not distinct from ${member.id} as inside from (${placed(move.newSponsorCode)}) s join member m on m.id = s.id`,
    );
    if (!sponsor) throw notFound("Sponsor");
    if (sponsor.inside) throw refused("A member cannot be moved under themself or their own downline", [{ path: "newSponsorCode", message: "Inside the member's own subtree" }]);
    const [previous] = await query<{ memberCode: string }>(tx, sql`select member_code as "memberCode" from member where id = ${member.sponsorId}`);
    const result = { memberCode: member.memberCode, sponsorCode: sponsor.memberCode, previousSponsorCode: previous!.memberCode };
    if (sponsor.id === member.sponsorId) return { ...result, depth: member.depth, movedMembers: 0 };

    const { slot, node } = (await liveNode(tx, sql`m.id = ${member.id}`))!;
    const { numbered, overlay } = below(node, slot, { select: "depth" });
    // The moved members' deepest numbered ancestor becomes the new sponsor, or the sponsor's anchor.
    const target = (await liveNode(tx, sql`m.id = ${sponsor.id}`))!.node;
    const anchor = target.lft ?? target.anchor;
    const shift = sponsor.depth + 1 - member.depth;
    const [moved] = await query<{ count: number }>(
      tx,
      sql`with moved as (
            update member m
            set path = (select path from member where id = ${sponsor.id}) || m.path[${member.depth + 1}:],
                depth = m.depth + ${shift},
                sponsor_id = case when m.id = ${member.id} then ${sponsor.id} else m.sponsor_id end
            where m.id = ${member.id} or m.id in (select id from (${numbered} union all ${overlay}) s)
            returning m.id, m.depth, m.enrolled_at, m.member_code
          ), shifted as (
            insert into depth_volume as d (period, depth, pv)
            select v.period, shift.depth, sum(shift.pv) from moved
            join member_volume v on v.member_id = moved.id and v.pv <> 0
              and not exists (select 1 from period p where p.period = v.period and p.status = 'closed')
            cross join lateral (values (moved.depth - ${shift}, -v.pv), (moved.depth, v.pv)) as shift(depth, pv)
            group by v.period, shift.depth
            on conflict (period, depth) do update set pv = d.pv + excluded.pv
          ), entered as (
            insert into tree_overlay (member_id, depth, enrolled_at, member_code, anchor_lft) select id, depth, enrolled_at, member_code, ${anchor}::int from moved
            on conflict (member_id) do update set depth = excluded.depth, anchor_lft = excluded.anchor_lft
            returning 1
          )
          select count(*)::int as count from entered`,
    );
    if (node.lft !== null && node.size !== null) {
      await tx.execute(sql`update ${positionTable(slot)} set moved = true where lft >= ${node.lft} and lft < ${node.lft + node.size} and not moved`);
    }
    await writeAudit(tx, {
      actorId: move.actorId,
      action: "member.moved",
      entityType: "member",
      entityId: member.id,
      before: { memberCode: member.memberCode, sponsorCode: result.previousSponsorCode, depth: member.depth },
      after: { memberCode: member.memberCode, sponsorCode: sponsor.memberCode, depth: sponsor.depth + 1, movedMembers: moved!.count },
      requestId: move.requestId,
    });
    return { ...result, depth: sponsor.depth + 1, movedMembers: moved!.count };
  });
}
