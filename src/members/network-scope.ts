import { sql, type SQL } from "drizzle-orm";
import * as v from "valibot";
import { isStaff, type Principal } from "../auth/guard";
import type { Database } from "../db/client";
import { notFound, refused } from "../errors";
import { liveNode, type NodeColumns, type Slot, type TreeNode } from "./tree";

// Whose network a request reads: `?member=<memberCode>`, else the caller's own. A member may name
// themselves or anyone below them; anyone else and unknown codes get the same 404, so a member
// cannot probe which codes exist elsewhere. Staff may name anyone in the network.

export const networkMemberParam = v.optional(
  v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(32), v.toUpperCase(), v.description("Member code whose network to read (default: the caller's own)")),
);

/**
 * The member a request may read, with the live slot and its place in that numbering (or its overlay
 * anchor), or 404; `count` as liveNode computes it.
 */
export async function nodeInScope(
  tx: Database,
  viewer: Principal,
  memberCode: string | undefined,
  count?: (node: NodeColumns, slot: Slot) => SQL,
): Promise<{ slot: Slot; node: TreeNode; count: number | null }> {
  const found = await liveNode(tx, scopedMember(viewer, memberCode), count);
  if (!found) throw notFound("Member");
  return found;
}

/**
 * Selects the named member (as `m`) only if the viewer may read its network: a condition for a
 * statement's WHERE clause, so the scope check costs no round trip of its own. No row: answer 404.
 */
export function scopedMember(viewer: Principal, memberCode: string | undefined) {
  if (memberCode === undefined && !viewer.inNetwork) {
    throw refused("A staff account has no network of its own: name a member with ?member=", [{ path: "member", message: "Required for staff accounts" }]);
  }
  const below = isStaff(viewer) ? sql`true` : sql`m.path[(select depth from member where id = ${viewer.memberId}) + 1] = ${viewer.memberId}`;
  return sql`m.member_code = ${memberCode ?? viewer.memberCode} and m.path is not null and ${below}`;
}
