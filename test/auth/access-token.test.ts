import { SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { issueAccessToken } from "../../src/auth/tokens";
import me from "../../netlify/functions/me";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";
import { expectProblem, minutes, setClock } from "./helpers";

afterEach(() => {
  delete process.env.APP_NOW;
});

const SECRET = new TextEncoder().encode("test-jwt-secret-0123456789abcdef0123456789");
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const getMe = (headers: Record<string, string>) => call(me, { path: "/api/me", headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A token signed with the right secret, with claims the caller may spoil. */
function mint(memberId: number, change: { issuer?: string; audience?: string; secret?: Uint8Array } = {}) {
  const issuedAt = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(memberId))
    .setIssuer(change.issuer ?? "nnprotect-backoffice")
    .setAudience(change.audience ?? "nnprotect-api")
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 900)
    .sign(change.secret ?? SECRET);
}

describe("access tokens (through GET /api/me)", () => {
  it("accepts a valid token, with the scheme in any case", async () => {
    const member = await createMember();
    expect((await getMe(bearer(member.token))).status).toBe(200);
    expect((await getMe({ authorization: `bearer ${member.token}` })).status).toBe(200);
    // The control for the spoiled tokens below: this minting is accepted as is.
    expect((await getMe(bearer(await mint(member.id)))).body.role).toBe("member");
  });

  it.each([
    ["no Authorization header", {}],
    ["an empty Bearer", { authorization: "Bearer " }],
    ["another scheme", { authorization: "Basic dXNlcjpwYXNz" }],
    ["a garbled token", { authorization: "Bearer not-a-jwt" }],
    ["a token with spaces", { authorization: "Bearer a.b c" }],
  ])("refuses %s (401)", async (_name, headers) => {
    expectProblem(await getMe(headers), 401);
  });

  it("refuses a token signed with another secret, or whose payload was changed", async () => {
    const [member, other] = [await createMember(), await createMember()];
    expectProblem(await getMe(bearer(await mint(member.id, { secret: new TextEncoder().encode("x".repeat(48)) }))), 401);
    const [header, , signature] = member.token.split(".");
    const forged = `${header}.${base64url({ sub: String(other.id), iss: "nnprotect-backoffice", aud: "nnprotect-api", iat: 1, exp: 4102444800 })}.${signature}`;
    expectProblem(await getMe(bearer(forged)), 401);
  });

  it("refuses an unsigned alg:none token", async () => {
    const member = await createMember();
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url({ sub: String(member.id), iss: "nnprotect-backoffice", aud: "nnprotect-api", iat: now, exp: now + 900 })}.`;
    expectProblem(await getMe(bearer(unsigned)), 401);
  });

  it("refuses a wrong issuer or audience", async () => {
    const member = await createMember();
    expectProblem(await getMe(bearer(await mint(member.id, { issuer: "someone-else" }))), 401);
    expectProblem(await getMe(bearer(await mint(member.id, { audience: "another-api" }))), 401);
  });

  it("refuses a token past its 15 minutes, by the business clock", async () => {
    const member = await createMember();
    const start = new Date("2031-06-01T10:00:00Z");
    setClock(start);
    const token = await issueAccessToken({ memberId: member.id, role: "member" });
    setClock(new Date(start.getTime() + minutes(14)));
    expect((await getMe(bearer(token))).status).toBe(200);
    setClock(new Date(start.getTime() + minutes(16)));
    const expired = await getMe(bearer(token));
    expectProblem(expired, 401);
    expect(expired.body.detail).toMatch(/expired/);
  });

  it("refuses a valid signature for a member that does not exist", async () => {
    expectProblem(await getMe(bearer(await issueAccessToken({ memberId: 2_000_000_000, role: "member" }))), 401);
  });
});
