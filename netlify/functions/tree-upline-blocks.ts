import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { buildUplineBlocks } from "../../src/members/upline-blocks";

export const contract = defineContract({
  summary: "Scheduled every 10 minutes: builds the missing upline blocks (after signups deep in the tree, moves and promotions)",
  tag: "Scheduled",
  auth: "none",
  success: {
    status: 200,
    schema: v.object({ done: v.boolean(), built: v.number(), durationMs: v.number() }),
    description: "`done` is false when the run stopped at its 20-second budget; the next run goes on",
  },
});

export default handler(async (ctx) => json(await buildUplineBlocks(ctx.db)));

export const config: Config = { schedule: "*/10 * * * *" };
