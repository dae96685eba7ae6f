import { beforeAll, describe, expect, it } from "vitest";
import downline from "../../netlify/functions/network-downline";
import summary from "../../netlify/functions/network-summary";
import upline from "../../netlify/functions/network-upline";
import { call } from "../support/http";
import { createMember, ROOT_CODE, staffToken, type TestMember } from "../support/fixtures";

// Who may read whose network: a member themselves and anyone below them; staff anyone.

const ROUTES = [
  { name: "summary", handler: summary, path: "/api/network/summary" },
  { name: "downline", handler: downline, path: "/api/network/downline" },
  { name: "upline", handler: upline, path: "/api/network/upline" },
];

let a: TestMember, b: TestMember, d: TestMember, e: TestMember;
beforeAll(async () => {
  // root > a > b > d, and root > e: a separate branch.
  a = await createMember();
  b = await createMember({ sponsorCode: a.memberCode });
  d = await createMember({ sponsorCode: b.memberCode });
  e = await createMember();
});

describe.each(ROUTES)("GET $path", ({ handler, path }) => {
  it("lets a member read their own network by default and by naming themself", async () => {
    expect((await call(handler, { path, token: a.token })).status).toBe(200);
    expect((await call(handler, { path: `${path}?member=${a.memberCode}`, token: a.token })).status).toBe(200);
  });

  it("lets a member read anyone below them, with the code in any case", async () => {
    expect((await call(handler, { path: `${path}?member=${d.memberCode.toLowerCase()}`, token: a.token })).status).toBe(200);
  });

  it("answers 404, the same for an unknown code, when a member names anyone outside their subtree", async () => {
    const sideways = await call(handler, { path: `${path}?member=${e.memberCode}`, token: a.token });
    const upwards = await call(handler, { path: `${path}?member=${a.memberCode}`, token: d.token });
    const unknown = await call(handler, { path: `${path}?member=ZZZZZZZZ`, token: a.token });
    for (const response of [sideways, upwards, unknown]) {
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.body).toEqual(unknown.body);
    }
  });

  it("lets staff read any member's network, the root's included", async () => {
    for (const role of ["support", "finance", "admin"] as const) {
      const token = await staffToken(role);
      expect((await call(handler, { path: `${path}?member=${e.memberCode}`, token })).status).toBe(200);
      expect((await call(handler, { path: `${path}?member=${ROOT_CODE}`, token })).status).toBe(200);
    }
  });

  it("refuses (422) a staff-only account that names no member: it has no network of its own", async () => {
    const response = await call(handler, { path, token: await staffToken("support") });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([{ path: "member", message: "Required for staff accounts" }]);
  });

  it("requires a token, and rejects unknown or repeated parameters", async () => {
    expect((await call(handler, { path })).status).toBe(401);
    expect((await call(handler, { path: `${path}?memberCode=${a.memberCode}`, token: a.token })).status).toBe(400);
    expect((await call(handler, { path: `${path}?member=${a.memberCode}&member=${d.memberCode}`, token: a.token })).status).toBe(400);
    expect((await call(handler, { path: `${path}?member=`, token: a.token })).status).toBe(400);
  });
});

describe("GET /api/network/downline parameters", () => {
  it.each(["level=0", "level=two", "page=0", "pageSize=101", "search="])("rejects %s with 400", async (parameter) => {
    const response = await call(downline, { path: `/api/network/downline?${parameter}`, token: a.token });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].path).toBe(parameter.split("=")[0]);
  });
});
