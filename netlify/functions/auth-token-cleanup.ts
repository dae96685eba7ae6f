import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { deleteExpiredRefreshTokens } from "../../src/auth/refresh-tokens";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";

export const contract = defineContract({
  summary: "Scheduled daily: deletes the refresh tokens whose expiry has passed (every refresh adds one)",
  tag: "Scheduled",
  auth: "none",
  success: {
    status: 200,
    schema: v.object({ done: v.boolean(), deleted: v.number(), durationMs: v.number() }),
    description: "`done` is false when the run stopped at its 20-second budget; the next run goes on",
  },
});

export default handler(async (ctx) => json(await deleteExpiredRefreshTokens(ctx.db)));

export const config: Config = { schedule: "17 3 * * *" };
