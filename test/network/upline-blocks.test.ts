import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import uplineHandler from "../../netlify/functions/network-upline";
import buildHandler, { config } from "../../netlify/functions/tree-upline-blocks";
import { intArray } from "../../src/db/arrays";
import { database, query } from "../../src/db/client";
import { moveMember } from "../../src/members/move";
import { upline } from "../../src/members/upline";
import { buildUplineBlocks } from "../../src/members/upline-blocks";
import { createMember, staffToken } from "../support/fixtures";
import { heldTransaction } from "../support/held-transaction";
import { call } from "../support/http";
import { chain, growTree, naiveUplineItems, staffId, staffViewer, type NaiveUplineItem } from "../support/tree";

// A chain 300 deep under a member at depth 1: its nodes are at depths 2..301, and those at depths
// 64, 128, 192 and 256 key a block each (node i is at depth i + 2).
async function deepChain(): Promise<{ ids: number[]; codes: string[]; keyAt: (depth: number) => number }> {
  const top = await createMember();
  const grown = await growTree(chain(300), { anchorCode: top.memberCode });
  return { ...grown, keyAt: (depth) => grown.ids[depth - 2]! };
}

const uplineOf = async (code: string) => (await upline(await database(), staffViewer, code)).map((item) => JSON.parse(item) as NaiveUplineItem);

async function blockKeys(ids: number[]): Promise<number[]> {
  const rows = await query<{ id: number }>(await database(), sql`select member_id as id from upline_block where member_id = any(${intArray(ids)}) order by member_id`);
  return rows.map((row) => row.id);
}

describe("upline blocks", () => {
  it("give the same upline as walking the sponsors, whether every block, some or none is built", async () => {
    const { ids, codes, keyAt } = await deepChain();
    const bottom = codes.at(-1)!;
    const expected = await naiveUplineItems(ids.at(-1)!);
    expect(expected).toHaveLength(301);
    expect(await uplineOf(bottom)).toEqual(expected);

    const built = await buildUplineBlocks(await database());
    expect(built).toMatchObject({ done: true });
    expect(built.built).toBeGreaterThanOrEqual(4);
    expect(await blockKeys(ids)).toEqual([64, 128, 192, 256].map(keyAt));
    expect(await uplineOf(bottom)).toEqual(expected);
    // A member at a key's depth reads the blocks above it, not its own.
    expect(await uplineOf(codes[128 - 2]!)).toEqual(await naiveUplineItems(keyAt(128)));

    await (await database()).execute(sql`delete from upline_block where member_id = ${keyAt(128)}`);
    expect(await uplineOf(bottom)).toEqual(expected);
    expect((await buildUplineBlocks(await database())).built).toBe(1);
  });

  it("drops the blocks holding a member whose career rank or name changes, and only those", async () => {
    const { ids, codes, keyAt } = await deepChain();
    const db = await database();
    await buildUplineBlocks(db);
    // Read once before the changes: the blocks rendered for it must not be served after them.
    expect(await uplineOf(codes.at(-1)!)).toEqual(await naiveUplineItems(ids.at(-1)!));
    // Depth 100 lies in the block keyed at 128 (65..128); depth 200 in the one keyed at 256 (193..256).
    await db.execute(sql`update member set career_rank = 'creativo' where id = ${keyAt(100)}`);
    expect(await blockKeys(ids)).toEqual([64, 192, 256].map(keyAt));
    await db.execute(sql`update member set first_name = 'Renamed' where id = ${keyAt(200)}`);
    expect(await blockKeys(ids)).toEqual([64, 192].map(keyAt));
    // Writing the same values again drops nothing.
    await db.execute(sql`update member set career_rank = career_rank, first_name = first_name where id = ${keyAt(64)}`);
    expect(await blockKeys(ids)).toEqual([64, 192].map(keyAt));

    await buildUplineBlocks(db);
    const items = await uplineOf(codes.at(-1)!);
    expect(items).toEqual(await naiveUplineItems(ids.at(-1)!));
    expect(items[301 - 100 - 1]).toMatchObject({ level: 201, careerRank: "Creativo" });
    expect(items[301 - 200 - 1]).toMatchObject({ level: 101, name: "Renamed N198" });
  });

  it("drops the block of every moved member, so the moved subtree reads its new upline", async () => {
    const { ids, codes, keyAt } = await deepChain();
    const db = await database();
    await buildUplineBlocks(db);
    const newSponsor = await createMember();
    // The node at depth 150 moves to depth 2: it and the 151 below it change upline.
    await moveMember(db, { actorId: await staffId("admin"), memberCode: codes[150 - 2]!, newSponsorCode: newSponsor.memberCode });
    expect(await blockKeys(ids)).toEqual([64, 128].map(keyAt));
    expect(await uplineOf(codes.at(-1)!)).toEqual(await naiveUplineItems(ids.at(-1)!));

    await buildUplineBlocks(db);
    // Now at depths 2..153: the members 62 and 126 levels below the moved one key the new blocks.
    expect(await blockKeys(ids)).toEqual([64, 128, 150 + 62, 150 + 126].map(keyAt));
    expect(await uplineOf(codes.at(-1)!)).toEqual(await naiveUplineItems(ids.at(-1)!));
    expect(await uplineOf(codes[128 - 2]!)).toEqual(await naiveUplineItems(keyAt(128)));
  });

  it("builds in batches, stops at its time budget, goes on from there and builds nothing twice", async () => {
    const { ids } = await deepChain();
    const db = await database();
    await db.execute(sql`delete from upline_block`);
    const first = await buildUplineBlocks(db, { batch: 1, budgetMs: 0 });
    expect(first).toMatchObject({ done: false, built: 1 });
    const rest = await buildUplineBlocks(db, { batch: 2 });
    expect(rest.done).toBe(true);
    expect(rest.built).toBeGreaterThanOrEqual(3);
    expect(await blockKeys(ids)).toHaveLength(4);
    expect(await buildUplineBlocks(db)).toMatchObject({ done: true, built: 0 });
  });

  it("waits for a change in flight to a member it holds, then builds the block with it", async () => {
    const { ids, codes, keyAt } = await deepChain();
    const db = await database();
    await db.execute(sql`delete from upline_block`);
    const promotion = await heldTransaction((tx) => tx.execute(sql`update member set career_rank = 'emprendedor' where id = ${keyAt(100)}`));
    let finished = false;
    const building = buildUplineBlocks(db).then((result) => ((finished = true), result));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(false);
    promotion.commit();
    await promotion.committed;
    await building;
    expect(await blockKeys(ids)).toEqual([64, 128, 192, 256].map(keyAt));
    expect(await uplineOf(codes.at(-1)!)).toEqual(await naiveUplineItems(ids.at(-1)!));
  });

  it("runs every ten minutes as a scheduled function, and serves the upline through its route", async () => {
    const { ids, codes } = await deepChain();
    expect(config.schedule).toBe("*/10 * * * *");
    const response = await call(buildHandler, { method: "POST", path: "/.netlify/functions/tree-upline-blocks" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ done: true });
    expect(response.body.built).toBeGreaterThanOrEqual(4);
    const read = await call(uplineHandler, { path: `/api/network/upline?member=${codes.at(-1)}`, token: await staffToken("support") });
    expect(read.body.items).toEqual(await naiveUplineItems(ids.at(-1)!));
  });
});

