import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { parseWith } from "../../src/http/validate";
import { cancelOrder } from "../../src/orders/cancel";
import { orderIdParams, orderSchema } from "../../src/orders/schemas";

export const contract = defineContract({
  summary: "Cancel one of the caller's orders awaiting payment (its PaymentIntent is cancelled; kit and cashback released)",
  tag: "Orders",
  auth: "member",
  params: orderIdParams,
  success: { status: 200, schema: orderSchema },
  errors: [404, 409, 503],
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const { id } = parseWith(orderIdParams, ctx.params, "path");
  return json(await cancelOrder(ctx.db, me.memberId, id));
});

export const config: Config = { path: "/api/orders/:id/cancel", method: "POST" };
