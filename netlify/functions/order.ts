import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { parseWith } from "../../src/http/validate";
import { orderIdParams, orderSchema } from "../../src/orders/schemas";
import { memberOrder } from "../../src/orders/views";

export const contract = defineContract({
  summary: "One of the caller's orders (another member's is 404)",
  tag: "Orders",
  auth: "member",
  params: orderIdParams,
  success: { status: 200, schema: orderSchema },
  errors: [404],
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const { id } = parseWith(orderIdParams, ctx.params, "path");
  return json(await memberOrder(ctx.db, me.memberId, id));
});

export const config: Config = { path: "/api/orders/:id", method: "GET" };
