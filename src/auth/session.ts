import { eq } from "drizzle-orm";
import * as v from "valibot";
import type { Database } from "../db/client";
import { memberProfile, memberProfileSchema } from "../members/profile";
import { memberTable } from "../members/members.sql";
import { issueRefreshToken, revokeRefreshTokenFamily, rotateRefreshToken } from "./refresh-tokens";
import { issueAccessToken } from "./tokens";

export const tokenPairSchema = v.object({
  accessToken: v.pipe(v.string(), v.description("JWT for `Authorization: Bearer`, valid 15 minutes")),
  refreshToken: v.pipe(v.string(), v.description("Opaque, single use, valid 30 days; spend it at /api/auth/refresh")),
});
export type TokenPair = v.InferOutput<typeof tokenPairSchema>;

export const sessionSchema = v.object({ member: memberProfileSchema, ...tokenPairSchema.entries });
export type Session = v.InferOutput<typeof sessionSchema>;

/** A fresh token family for a member who just proved who they are (registration or login). */
export async function openSession(db: Database, memberId: number): Promise<Session> {
  const member = await memberProfile(db, memberId);
  const accessToken = await issueAccessToken({ memberId, role: member.role });
  return { member, accessToken, refreshToken: await issueRefreshToken(db, memberId) };
}

/** Spends a refresh token for a new pair; the access token carries the member's current role. */
export async function refreshSession(db: Database, refreshToken: string): Promise<TokenPair> {
  const next = await rotateRefreshToken(db, refreshToken);
  const [member] = await db.select({ role: memberTable.role }).from(memberTable).where(eq(memberTable.id, next.memberId));
  return { accessToken: await issueAccessToken({ memberId: next.memberId, role: member!.role }), refreshToken: next.refreshToken };
}

/** Logout: revokes the whole family, so no token issued from this sign-in works again. */
export const closeSession = (db: Database, refreshToken: string) => revokeRefreshTokenFamily(db, refreshToken);
