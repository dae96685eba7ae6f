import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { readText } from "../../src/http/validate";
import { receiveStripeEvent } from "../../src/payments/webhook";
import { foldVolumes } from "../../src/volumes/fold";

export const contract = defineContract({
  summary: "Stripe events (signed): payment succeeded/failed, refunds, disputes; each applied exactly once",
  tag: "Webhooks",
  auth: "none",
  success: {
    status: 200,
    description: "Processed, duplicate or ignored",
    schema: v.object({ received: v.literal(true), eventId: v.string(), outcome: v.picklist(["applied", "deferred", "ignored", "needs_review", "duplicate", "unhandled"]) }),
  },
  errors: [413, 415, 503],
});

export default handler(async (ctx) => {
  const rawBody = await readText(ctx.request);
  const { eventId, outcome } = await receiveStripeEvent(ctx.db, rawBody, ctx.request.headers.get("stripe-signature"));
  // A confirmation or refund reaches the upline's PVG and ranks after the answer (decision 010).
  if (outcome === "applied") ctx.afterResponse(() => foldVolumes(ctx.db));
  return json({ received: true, eventId, outcome });
});

export const config: Config = { path: "/api/webhooks/stripe", method: "POST" };
