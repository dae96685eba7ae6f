import { eq } from "drizzle-orm";
import { prepared } from "../db/prepared";
import { AppError } from "../errors";
import type { RequestContext } from "../http/handler";
import { memberTable, type Role } from "../members/members.sql";
import { verifyAccessToken } from "./tokens";

export interface Principal {
  memberId: number;
  memberCode: string;
  role: Role;
  /** False for staff-only accounts, which stand outside the genealogy. */
  inNetwork: boolean;
}

/** Each role may do everything the one before it may. */
const RANK: Record<Role, number> = { member: 0, support: 1, finance: 2, admin: 3 };

export const isStaff = (principal: Principal) => principal.role !== "member";

/**
 * The caller behind the Bearer token. The role is read from the database, not the token, so a
 * role change or removal takes effect at once.
 */
export async function authenticate(ctx: RequestContext): Promise<Principal> {
  const header = ctx.request.headers.get("authorization") ?? "";
  // The scheme is case-insensitive (RFC 9110 section 11.1); the token is base64url JWS segments.
  const match = /^Bearer +([A-Za-z0-9_\-.]+)$/i.exec(header);
  if (!match?.[1]) throw new AppError("unauthorized", "A Bearer access token is required");
  const { memberId } = await verifyAccessToken(match[1]);
  const [row] = await prepared(
    ctx.db
      .select({ memberId: memberTable.id, memberCode: memberTable.memberCode, role: memberTable.role, depth: memberTable.depth })
      .from(memberTable)
      .where(eq(memberTable.id, memberId)),
  );
  if (!row) throw new AppError("unauthorized", "The access token is invalid");
  return { memberId: row.memberId, memberCode: row.memberCode, role: row.role, inNetwork: row.depth !== null };
}

/** The one guard every staff route uses: 401 without a valid token, 403 below the role. */
export async function requireRole(ctx: RequestContext, minimum: Role): Promise<Principal> {
  const principal = await authenticate(ctx);
  if (RANK[principal.role] < RANK[minimum]) throw new AppError("forbidden", `This action requires the ${minimum} role`);
  return principal;
}
