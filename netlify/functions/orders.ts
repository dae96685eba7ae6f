import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageSchema } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { memberOrdersQuery, orderSchema } from "../../src/orders/schemas";
import { memberOrders } from "../../src/orders/views";

export const contract = defineContract({
  summary: "The caller's own orders (filters status, period; newest first by default)",
  tag: "Orders",
  auth: "member",
  query: memberOrdersQuery,
  success: { status: 200, schema: pageSchema(orderSchema) },
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  return json(await memberOrders(ctx.db, me.memberId, readQuery(ctx.url, memberOrdersQuery)));
});

export const config: Config = { path: "/api/orders", method: "GET" };
