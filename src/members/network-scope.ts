import { sql } from "drizzle-orm";
import * as v from "valibot";
import { isStaff, type Principal } from "../auth/guard";
import { query, type Database } from "../db/client";
import { notFound, refused } from "../errors";
import { nodeColumns, nodeJoins, type Slot, type TreeNode } from "./tree";

// Whose network a request reads: `?member=<memberCode>`, else the caller's own. A member may name
// themselves or anyone below them; anyone else and unknown codes get the same 404, so a member
// cannot probe which codes exist elsewhere. Staff may name anyone in the network.

export const networkMemberParam = v.optional(
  v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(32), v.toUpperCase(), v.description("Member code whose network to read (default: the caller's own)")),
);

export interface ScopedMember {
  id: number;
  depth: number;
}

/** The member a request may read (see above), or 404. */
export async function memberInScope(db: Database, viewer: Principal, memberCode: string | undefined): Promise<ScopedMember> {
  const [member] = await query<ScopedMember>(db, sql`select m.id, m.depth from member m where ${inScope(viewer, memberCode)}`);
  if (!member) throw notFound("Member");
  return member;
}

/** The same, with the member's place in the live numbering (or its overlay anchor). */
export async function nodeInScope(tx: Database, slot: Slot, viewer: Principal, memberCode: string | undefined): Promise<TreeNode> {
  const [node] = await query<TreeNode>(
    tx,
    sql`select ${nodeColumns} from member m ${nodeJoins(slot)} where ${inScope(viewer, memberCode)}`,
  );
  if (!node) throw notFound("Member");
  return node;
}

/** Selects the named member (as `m`) only if the viewer may read its network. */
function inScope(viewer: Principal, memberCode: string | undefined) {
  if (memberCode === undefined && !viewer.inNetwork) {
    throw refused("A staff account has no network of its own: name a member with ?member=", [{ path: "member", message: "Required for staff accounts" }]);
  }
  const below = isStaff(viewer) ? sql`true` : sql`m.path[(select depth from member where id = ${viewer.memberId}) + 1] = ${viewer.memberId}`;
  return sql`m.member_code = ${memberCode ?? viewer.memberCode} and m.path is not null and ${below}`;
}
