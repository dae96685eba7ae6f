import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { idempotencyKeyOf } from "../../src/http/idempotency";
import { readJson } from "../../src/http/validate";
import { checkout } from "../../src/orders/checkout";
import { checkoutBody, checkoutResponseSchema } from "../../src/orders/schemas";
import { foldVolumes } from "../../src/volumes/fold";

export const contract = defineContract({
  summary: "Buy: card (a Stripe PaymentIntent to pay; the order counts when Stripe confirms it) or wallet (paid and confirmed at once)",
  tag: "Orders",
  auth: "member",
  body: checkoutBody,
  idempotent: true,
  success: { status: 201, schema: checkoutResponseSchema },
  errors: [422, 503],
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const key = idempotencyKeyOf(ctx.request);
  const input = await readJson(ctx.request, checkoutBody);
  const response = await checkout(ctx.db, me, input, key);
  // A wallet order was confirmed: its volume reaches the upline after the answer (decision 010).
  if (input.paymentMethod === "wallet") ctx.afterResponse(() => foldVolumes(ctx.db));
  return json(response, 201);
});

export const config: Config = { path: "/api/checkout", method: "POST" };
