import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { commissionSchema, memberCommissions, memberCommissionsQuery } from "../../src/commissions/commission-list";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageSchema } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";

export const contract = defineContract({
  summary: "The signed-in member's commission lines, filtered, sorted and paged (newest first)",
  tag: "Commissions",
  auth: "member",
  query: memberCommissionsQuery,
  success: { status: 200, schema: pageSchema(commissionSchema) },
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  return json(await memberCommissions(ctx.db, me.memberId, readQuery(ctx.url, memberCommissionsQuery)));
});

export const config: Config = { path: "/api/commissions", method: "GET" };
