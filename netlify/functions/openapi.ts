import { randomUUID } from "node:crypto";
import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { defineContract } from "../../src/http/contract";
import { json, withStandardHeaders } from "../../src/http/handler";

export const contract = defineContract({
  summary: "This OpenAPI 3.1 document",
  tag: "Meta",
  auth: "none",
  success: { status: 200, schema: v.looseObject({ openapi: v.literal("3.1.0"), info: v.looseObject({}), paths: v.record(v.string(), v.unknown()) }) },
});

/**
 * The committed document (`npm run openapi` writes it; a test keeps it current). It is loaded on the
 * first request, not at import, because the generator imports this module for its `contract`. No
 * database: the standard headers without `handler()`.
 */
export default async (request: Request): Promise<Response> => {
  const document = (await import("../../src/http/openapi.json")).default;
  return withStandardHeaders(json(document), request, randomUUID());
};

export const config: Config = { path: "/api/openapi.json", method: "GET" };
