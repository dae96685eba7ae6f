import { describe, expect, it } from "vitest";
import upline from "../../netlify/functions/network-upline";
import { database } from "../../src/db/client";
import { renumberTree } from "../../src/members/renumber";
import { createMember, ROOT_CODE, staffToken } from "../support/fixtures";
import { call } from "../support/http";
import { chain, growTree, memberToken, naiveUpline } from "../support/tree";

describe("GET /api/network/upline", () => {
  it("lists the sponsors nearest first, with their level above the member, ending at the root", async () => {
    const a = await createMember({ firstName: "Alma" });
    const b = await createMember({ sponsorCode: a.memberCode, firstName: "Beto" });
    const c = await createMember({ sponsorCode: b.memberCode });
    const response = await call(upline, { path: "/api/network/upline", token: c.token });
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      { level: 1, memberCode: b.memberCode, name: "Beto Test", careerRank: null },
      { level: 2, memberCode: a.memberCode, name: "Alma Test", careerRank: null },
      { level: 3, memberCode: ROOT_CODE, name: "NN Protect", careerRank: null },
    ]);
  });

  it("follows a chain thousands deep, the same before and after renumbering", async () => {
    const top = await createMember();
    const deep = await growTree(chain(2_000), { anchorCode: top.memberCode });
    const bottom = deep.ids.at(-1)!;
    const expected = await naiveUpline(bottom);
    expect(expected).toHaveLength(2_001);
    const read = async () => (await call(upline, { path: "/api/network/upline", token: await memberToken(bottom) })).body.items;
    const before = await read();
    expect(before.map((item: { memberCode: string }) => item.memberCode)).toEqual(expected);
    expect(before.map((item: { level: number }) => item.level)).toEqual(expected.map((_, i) => i + 1));
    await renumberTree(await database());
    expect(await read()).toEqual(before);
  });

  it("is empty for the company root", async () => {
    const response = await call(upline, { path: `/api/network/upline?member=${ROOT_CODE}`, token: await staffToken("support") });
    expect(response.body).toEqual({ items: [] });
  });
});
