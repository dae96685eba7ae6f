import type { Config } from "@netlify/functions";
import { corsHeaders, withStandardHeaders } from "../../src/http/handler";
import { randomUUID } from "node:crypto";

/** Answers every CORS preflight under /api; only origins in CORS_ORIGINS get allow headers. */
export default async (request: Request): Promise<Response> => {
  const allowed = Object.keys(corsHeaders(request)).length > 0;
  const headers: Record<string, string> = allowed
    ? {
        "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, Idempotency-Key",
        "Access-Control-Max-Age": "600",
      }
    : {};
  return withStandardHeaders(new Response(null, { status: allowed ? 204 : 403, headers }), request, randomUUID());
};

export const config: Config = { path: "/api/*", method: "OPTIONS" };
