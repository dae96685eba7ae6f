import type { Config } from "@netlify/functions";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { idempotencyKeyOf } from "../../src/http/idempotency";
import { parseWith, readJson } from "../../src/http/validate";
import { confirmManually } from "../../src/orders/manual-confirm";
import { confirmPaymentBody, orderIdParams, orderSchema } from "../../src/orders/schemas";
import { foldVolumes } from "../../src/volumes/fold";

export const contract = defineContract({
  summary: "Confirm an order paid outside Stripe (bank transfer, cash) as of the date the money was received (audited)",
  tag: "Admin",
  auth: "finance",
  params: orderIdParams,
  body: confirmPaymentBody,
  idempotent: true,
  success: { status: 200, schema: orderSchema },
  errors: [403, 404, 409, 422, 503],
});

export default handler(async (ctx) => {
  const staff = await requireRole(ctx, "finance");
  const { id } = parseWith(orderIdParams, ctx.params, "path");
  const key = idempotencyKeyOf(ctx.request);
  const input = await readJson(ctx.request, confirmPaymentBody);
  const order = await confirmManually(ctx.db, { actorId: staff.memberId, requestId: ctx.requestId }, id, input, key);
  // Its volume reaches the upline after the answer (decision 010).
  ctx.afterResponse(() => foldVolumes(ctx.db));
  return json(order);
});

export const config: Config = { path: "/api/admin/orders/:id/confirm-payment", method: "POST" };
