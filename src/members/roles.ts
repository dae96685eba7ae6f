import { asc, eq, inArray } from "drizzle-orm";
import { writeAudit } from "../audit/audit";
import type { Database } from "../db/client";
import { AppError, notFound, refused } from "../errors";
import { memberTable, type Role } from "./members.sql";
import { memberProfile, type MemberProfile } from "./profile";

export interface RoleChange {
  actorId: number;
  memberCode: string;
  role: Role;
  requestId?: string;
}

/**
 * An admin sets a member's role; audited with the role before and after. An admin cannot demote
 * themself, so there is always at least one admin. The actor's and target's rows are locked in id
 * order and the actor's role re-read under the lock: two admins demoting each other at once are
 * serialised, and the second finds they are no longer an admin (403) instead of leaving none.
 * Setting the role a member already has changes nothing and writes no audit row.
 */
export async function changeMemberRole(db: Database, change: RoleChange): Promise<MemberProfile> {
  return db.transaction(async (tx) => {
    const [target] = await tx.select({ id: memberTable.id, memberCode: memberTable.memberCode }).from(memberTable).where(eq(memberTable.memberCode, change.memberCode.trim().toUpperCase()));
    if (!target) throw notFound("Member");
    const locked = await tx
      .select({ id: memberTable.id, role: memberTable.role })
      .from(memberTable)
      .where(inArray(memberTable.id, [change.actorId, target.id]))
      .orderBy(asc(memberTable.id))
      .for("update");
    const roleOf = (id: number) => locked.find((row) => row.id === id)?.role;
    if (roleOf(change.actorId) !== "admin") throw new AppError("forbidden", "This action requires the admin role");
    if (target.id === change.actorId && change.role !== "admin") {
      throw refused("An admin cannot remove their own admin role; another admin must do it", [{ path: "role", message: "Cannot demote yourself" }]);
    }
    const before = roleOf(target.id);
    if (before !== change.role) {
      await tx.update(memberTable).set({ role: change.role }).where(eq(memberTable.id, target.id));
      await writeAudit(tx, {
        actorId: change.actorId,
        action: "member.role_changed",
        entityType: "member",
        entityId: target.id,
        before: { memberCode: target.memberCode, role: before },
        after: { memberCode: target.memberCode, role: change.role },
        requestId: change.requestId,
      });
    }
    return memberProfile(tx, target.id);
  });
}
