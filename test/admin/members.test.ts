import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import listMembersHandler from "../../netlify/functions/admin-members";
import { database, query } from "../../src/db/client";
import { memberTable } from "../../src/members/members.sql";
import { createMember, ROOT_CODE, staffToken, type TestMember } from "../support/fixtures";
import { call } from "../support/http";

const list = (path: string, token?: string) => call(listMembersHandler, { path: `/api/admin/members${path}`, token });

// The clone starts with the company root (MX) and the three seeded staff accounts (MX); these five
// members are added with fixed enrolment instants so filters and sorting have exact answers.
let support: string;
let zeta: TestMember, yara: TestMember, xavi: TestMember, walt: TestMember, vera: TestMember;

async function enrolledAt(member: TestMember, instant: string) {
  const db = await database();
  await db.update(memberTable).set({ enrolledAt: new Date(instant) }).where(eq(memberTable.id, member.id));
}

beforeAll(async () => {
  support = await staffToken("support");
  zeta = await createMember({ firstName: "Zeta", country: "CO" });
  yara = await createMember({ firstName: "Yara", country: "US", sponsorCode: zeta.memberCode });
  xavi = await createMember({ firstName: "Xavi", country: "CO", sponsorCode: yara.memberCode });
  walt = await createMember({ firstName: "Walt_50%", country: "MX" });
  vera = await createMember({ firstName: "Vera", country: "US", role: "finance" });
  await enrolledAt(zeta, "2024-01-10T00:00:00Z");
  await enrolledAt(yara, "2024-02-10T00:00:00Z");
  await enrolledAt(xavi, "2024-03-10T00:00:00Z");
  await enrolledAt(walt, "2024-04-10T00:00:00Z");
  await enrolledAt(vera, "2024-05-10T00:00:00Z");
  // The seeded accounts enrolled when the template was built: move them before every fixture.
  await query(await database(), sql`update member set enrolled_at = '2020-01-01T00:00:00Z' where id not in (${zeta.id}, ${yara.id}, ${xavi.id}, ${walt.id}, ${vera.id})`);
});

const codes = (body: { items: { memberCode: string }[] }) => body.items.map((item) => item.memberCode);

describe("GET /api/admin/members: access", () => {
  it("answers 401 problem+json without a token", async () => {
    const res = await list("");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers 403 to a member", async () => {
    const res = await list("", zeta.token);
    expect(res.status).toBe(403);
    expect(res.body.status).toBe(403);
  });

  it.each(["support", "finance", "admin"] as const)("lets %s staff read it", async (role) => {
    const res = await list("?pageSize=1", await staffToken(role));
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(9);
  });
});

describe("GET /api/admin/members: shape, filters, sort, pages", () => {
  it("lists every account newest first by default, with the documented fields", async () => {
    const res = await list("", support);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 20, total: 9 });
    expect(codes(res.body).slice(0, 5)).toEqual([vera, walt, xavi, yara, zeta].map((m) => m.memberCode));
    expect(res.body.items[2]).toEqual({
      id: xavi.id,
      memberCode: xavi.memberCode,
      email: xavi.email,
      firstName: "Xavi",
      lastName: "Test",
      country: "CO",
      role: "member",
      sponsorCode: yara.memberCode,
      careerRank: null,
      enrolledAt: "2024-03-10T00:00:00.000Z",
    });
    const root = res.body.items.find((item: { memberCode: string }) => item.memberCode === ROOT_CODE);
    expect(root.sponsorCode).toBeNull();
  });

  it("filters by country (any case), role and member code", async () => {
    expect(codes((await list("?country=co", support)).body)).toEqual([xavi.memberCode, zeta.memberCode]);
    const finance = await list("?role=finance&sort=email", support);
    expect(finance.status).toBe(400);
    expect(finance.body.errors[0].path).toBe("sort");
    const financeRole = (await list("?role=finance&sort=name", support)).body;
    expect(financeRole.items.map((item: { email: string }) => item.email)).toEqual(["finance@nnprotect.local", vera.email]);
    expect(codes((await list(`?memberCode=${yara.memberCode.toLowerCase()}`, support)).body)).toEqual([yara.memberCode]);
  });

  it("searches names, emails and codes case-insensitively, with LIKE wildcards taken literally", async () => {
    expect(codes((await list("?search=ZETA", support)).body)).toEqual([zeta.memberCode]);
    expect(codes((await list(`?search=${encodeURIComponent(walt.email.split("@")[0]!.toUpperCase())}`, support)).body)).toEqual([walt.memberCode]);
    expect(codes((await list(`?search=${xavi.memberCode.slice(2, 7).toLowerCase()}`, support)).body)).toContain(xavi.memberCode);
    expect(codes((await list(`?search=${encodeURIComponent("_50%")}`, support)).body)).toEqual([walt.memberCode]);
    expect((await list(`?search=${encodeURIComponent("%")}`, support)).body.total).toBe(1);
    expect((await list("?search=nobody-has-this", support)).body).toEqual({ items: [], page: 1, pageSize: 20, total: 0 });
  });

  it("filters enrolment by from (inclusive) and to (exclusive)", async () => {
    const res = await list("?from=2024-02-10T00:00:00Z&to=2024-04-10T00:00:00Z&sort=enrolledAt", support);
    expect(codes(res.body)).toEqual([yara.memberCode, xavi.memberCode]);
    expect(res.body.total).toBe(2);
  });

  it("sorts by name and member code in both directions", async () => {
    const names = (body: { items: { firstName: string }[] }) => body.items.map((item) => item.firstName);
    const byName = (await list("?country=US&sort=name", support)).body;
    expect(names(byName)).toEqual(["Vera", "Yara"]);
    expect(names((await list("?country=US&sort=-name", support)).body)).toEqual(["Yara", "Vera"]);
    const ascending = codes((await list("?sort=memberCode&pageSize=100", support)).body);
    expect(ascending).toEqual([...ascending].sort());
    expect(codes((await list("?sort=-memberCode&pageSize=100", support)).body)).toEqual([...ascending].reverse());
  });

  it("pages through a stable order", async () => {
    const all = codes((await list("?sort=enrolledAt&pageSize=100", support)).body);
    const second = (await list("?sort=enrolledAt&pageSize=2&page=2", support)).body;
    expect(second).toMatchObject({ page: 2, pageSize: 2, total: 9 });
    expect(codes(second)).toEqual(all.slice(2, 4));
    expect((await list("?page=9&pageSize=5", support)).body).toMatchObject({ items: [], total: 9 });
  });

  it.each([
    ["?pageSize=101", "pageSize"],
    ["?page=0", "page"],
    ["?role=owner", "role"],
    ["?country=MEX", "country"],
    ["?from=yesterday", "from"],
    ["?from=2024-03-01T00:00:00Z&to=2024-03-01T00:00:00Z", "to"],
    ["?colour=blue", "colour"],
  ])("refuses %s with a 400 on %s", async (search, path) => {
    const res = await list(search, support);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { path: string }) => error.path)).toContain(path);
  });
});
