import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { runPayouts } from "../../src/payouts/payouts";

export const contract = defineContract({
  summary: "Scheduled daily: posts every payable commission line to its receiver's wallet, exactly once, in bounded batches",
  tag: "Scheduled",
  auth: "none",
  success: {
    status: 200,
    schema: v.object({ done: v.boolean(), lines: v.number(), transactions: v.number(), batches: v.number(), elapsedMs: v.number() }),
    description: "`done` is false when the time budget ran out; the next invocation resumes where this one stopped",
  },
});

// Netlify stops a scheduled function at 30 s: stop starting batches at 20 s.
export default handler(async (ctx) => json(await runPayouts(ctx.db, { budgetMs: 20_000 })));

export const config: Config = { schedule: "@daily" };
