import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { now } from "../clock";
import { inBatches } from "../db/batches";
import { query, type Database } from "../db/client";
import { AppError } from "../errors";
import { refreshTokenTable } from "./auth.sql";

// Refresh tokens are opaque random strings; only their SHA-256 is stored. Each use spends the token
// and issues the next one of the same family. Presenting a spent or revoked token means it leaked
// (or a client raced itself): the whole family is revoked, so whoever holds its newest token is
// signed out too. Two concurrent refreshes of one token therefore end with the family revoked;
// that strictness is deliberate (OAuth 2.0 Security BCP, refresh token rotation).

export const REFRESH_TOKEN_DAYS = 30;

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");
const invalid = () => new AppError("unauthorized", "The refresh token is invalid or expired");

/** A new token for the member: the first of a new family, or the next one of `familyId`. */
export async function issueRefreshToken(db: Database, memberId: number, familyId: string = randomUUID()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const issuedAt = now();
  await db.insert(refreshTokenTable).values({
    id: randomUUID(),
    familyId,
    memberId,
    tokenHash: hashOf(token),
    createdAt: issuedAt,
    expiresAt: new Date(issuedAt.getTime() + REFRESH_TOKEN_DAYS * 86_400_000),
  });
  return token;
}

type Rotation = { ok: true; memberId: number; refreshToken: string } | { ok: false };

/**
 * Spends `token` and returns its successor. The row lock makes a second concurrent use wait and then
 * see the token spent. Any failure is 401; a reuse commits the family's revocation before failing.
 */
export async function rotateRefreshToken(db: Database, token: string): Promise<{ memberId: number; refreshToken: string }> {
  const rotation = await db.transaction(async (tx): Promise<Rotation> => {
    const [row] = await tx.select().from(refreshTokenTable).where(eq(refreshTokenTable.tokenHash, hashOf(token))).for("update");
    if (!row) return { ok: false };
    if (row.spentAt || row.revokedAt) {
      await revokeFamily(tx, row.familyId);
      return { ok: false };
    }
    if (row.expiresAt <= now()) return { ok: false };
    await tx.update(refreshTokenTable).set({ spentAt: now() }).where(eq(refreshTokenTable.id, row.id));
    return { ok: true, memberId: row.memberId, refreshToken: await issueRefreshToken(tx, row.memberId, row.familyId) };
  });
  if (!rotation.ok) throw invalid();
  return { memberId: rotation.memberId, refreshToken: rotation.refreshToken };
}

/** Signs out the family `token` belongs to. An unknown token is not an error: there is nothing to end. */
export async function revokeRefreshTokenFamily(db: Database, token: string): Promise<void> {
  const [row] = await db.select({ familyId: refreshTokenTable.familyId }).from(refreshTokenTable).where(eq(refreshTokenTable.tokenHash, hashOf(token)));
  if (row) await revokeFamily(db, row.familyId);
}

async function revokeFamily(db: Database, familyId: string): Promise<void> {
  await db
    .update(refreshTokenTable)
    .set({ revokedAt: now() })
    .where(and(eq(refreshTokenTable.familyId, familyId), isNull(refreshTokenTable.revokedAt)));
}

/**
 * Deletes the refresh tokens whose expiry has passed: each refresh adds a row, so an active session
 * leaves about 100 a day. Nothing is lost: an expired token is refused whether its row is stored or
 * not, and the reuse detection above only matters for a spent token that could still be used (a
 * family's newest token, and any token of it not yet expired, stay). Batches of `batch` rows,
 * oldest first, each a statement of its own, within `budgetMs` (inBatches). Safe to run twice, or
 * beside sign-ins and refreshes.
 */
export async function deleteExpiredRefreshTokens(db: Database, options: { batch?: number; budgetMs?: number } = {}): Promise<{ done: boolean; deleted: number; durationMs: number }> {
  const { batch = 5_000, budgetMs = 20_000 } = options;
  const at = now().toISOString();
  const { handled: deleted, ...run } = await inBatches({ batch, budgetMs }, async () => {
    const rows = await query<{ id: string }>(
      db,
      sql`delete from refresh_token where id in (select id from refresh_token where expires_at <= ${at}::timestamptz order by expires_at limit ${batch}) returning id`,
    );
    return rows.length;
  });
  return { ...run, deleted };
}
