import { SignJWT, jwtVerify, errors as joseErrors } from "jose";
import { now } from "../clock";
import { env } from "../config/env";
import { AppError } from "../errors";
import type { Role } from "../members/members.sql";

const ALGORITHM = "HS256";
const ISSUER = "nnprotect-backoffice";
const AUDIENCE = "nnprotect-api";
export const ACCESS_TOKEN_SECONDS = 15 * 60;

export interface AccessClaims {
  memberId: number;
  role: Role;
}

const secret = () => new TextEncoder().encode(env().JWT_SECRET);

export async function issueAccessToken(claims: AccessClaims): Promise<string> {
  const issuedAt = Math.floor(now().getTime() / 1000);
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(String(claims.memberId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN_SECONDS)
    .sign(secret());
}

/** Verifies with a fixed algorithm, issuer and audience against the business clock; any failure is 401. */
export async function verifyAccessToken(token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, secret(), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now(),
      requiredClaims: ["sub", "exp", "iat"],
    });
    const memberId = Number(payload.sub);
    if (!Number.isSafeInteger(memberId) || memberId <= 0) throw new AppError("unauthorized", "The access token is invalid");
    return { memberId, role: payload.role as Role };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const expired = error instanceof joseErrors.JWTExpired;
    throw new AppError("unauthorized", expired ? "The access token has expired" : "The access token is invalid");
  }
}
