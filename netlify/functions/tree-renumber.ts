import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { renumberTree } from "../../src/members/renumber";

export const contract = defineContract({
  summary: "Scheduled hourly: renumbers the genealogy so recent signups and moves leave the overlay",
  tag: "Scheduled",
  auth: "none",
  success: {
    status: 200,
    schema: v.object({
      done: v.boolean(),
      renumbered: v.boolean(),
      generation: v.number(),
      members: v.number(),
      leftOverlay: v.number(),
      durationMs: v.number(),
    }),
    description: "Always `done`: one run renumbers the whole tree in one transaction (about 10 s for 1M members); `renumbered` is false when nothing changed",
  },
});

export default handler(async (ctx) => json(await renumberTree(ctx.db)));

export const config: Config = { schedule: "@hourly" };
