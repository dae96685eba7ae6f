import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { foldVolumes } from "../../src/volumes/fold";

/** A scheduled function has 30 s; the sweep stops taking new batches well before. */
const BUDGET_MS = 20_000;

export const contract = defineContract({
  summary: "Scheduled every minute: folds volume events that no request folded (its caller died after committing) into the upline",
  tag: "Scheduled",
  auth: "none",
  success: {
    status: 200,
    schema: v.object({ events: v.number() }),
    description: "How many volume events were folded (usually 0: each confirmation folds its own)",
  },
});

export default handler(async (ctx) => json(await foldVolumes(ctx.db, { budgetMs: BUDGET_MS })));

export const config: Config = { schedule: "* * * * *" };
