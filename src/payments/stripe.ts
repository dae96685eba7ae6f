import Stripe from "stripe";
import { env } from "../config/env";
import { AppError } from "../errors";

/** Stripe verifies webhooks within this many seconds of their signed timestamp (real clock). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

let client: Stripe | undefined;

/**
 * The Stripe client. STRIPE_API_URL points it at another server (stripe-mock, or msw in tests);
 * the fetch-based HTTP client keeps it on the platform's fetch.
 */
export function stripe(): Stripe {
  if (client) return client;
  const settings = env();
  const target = settings.STRIPE_API_URL ? new URL(settings.STRIPE_API_URL) : undefined;
  client = new Stripe(settings.STRIPE_SECRET_KEY!, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 10_000,
    ...(target && { host: target.hostname, port: target.port || (target.protocol === "http:" ? 80 : 443), protocol: target.protocol.replace(":", "") as "http" | "https" }),
  });
  return client;
}

/** Tests change STRIPE_API_URL between files. */
export function resetStripe(): void {
  client = undefined;
}

/** Verifies the signature over the raw body and answers the event; a bad or stale signature is 400. */
export async function verifiedEvent(rawBody: string, signature: string | null): Promise<Stripe.Event> {
  if (!signature) throw new AppError("validation", "The Stripe-Signature header is missing");
  try {
    return await stripe().webhooks.constructEventAsync(rawBody, signature, env().STRIPE_WEBHOOK_SECRET!, WEBHOOK_TOLERANCE_SECONDS);
  } catch {
    throw new AppError("validation", "The Stripe signature does not verify");
  }
}
