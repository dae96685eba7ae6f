import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { defineContract } from "../../src/http/contract";
import { buildOpenApiDocument, serializeDocument } from "../../src/http/openapi";
import { pageQuery, sortQuery } from "../../src/http/schemas";

// A synthetic route with everything the converter finds awkward: transforms, custom checks, dates.
const contract = defineContract({
  summary: "Approve a thing",
  tag: "Things",
  auth: "finance",
  params: v.object({ id: v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number)) }),
  query: v.strictObject({ ...pageQuery, sort: sortQuery(["createdAt"], "-createdAt"), at: v.pipe(v.string(), v.check((value) => value.length > 0)) }),
  body: v.strictObject({ note: v.pipe(v.string(), v.maxLength(200), v.description("Why")), when: v.optional(v.date()) }),
  idempotent: true,
  success: { status: 201, schema: v.object({ id: v.number(), at: v.pipe(v.string(), v.transform((value) => new Date(value))) }) },
  errors: [404, 409],
});
const build = () => buildOpenApiDocument([{ name: "thing-approve", paths: ["/api/things/:id/approve"], methods: ["POST"], contract }], { version: "9.9.9" }) as any;

describe("buildOpenApiDocument on a synthetic route", () => {
  it("converts what it can and skips what it cannot, without throwing", () => {
    const operation = build().paths["/api/things/{id}/approve"].post;
    expect(operation.operationId).toBe("thingApprove");
    expect(operation.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^\\d+$" } },
      { name: "page", in: "query", required: false, description: "A whole number from 1 to 1000000", schema: { type: "string", pattern: "^\\d{1,9}$", default: "1" } },
      { name: "pageSize", in: "query", required: false, description: "A whole number from 1 to 100", schema: { type: "string", pattern: "^\\d{1,9}$", default: "20" } },
      { name: "sort", in: "query", required: false, schema: { enum: ["createdAt", "-createdAt"], type: "string", default: "-createdAt" } },
      { name: "at", in: "query", required: true, schema: { type: "string" } },
      { $ref: "#/components/parameters/IdempotencyKey" },
    ]);
    expect(operation.requestBody).toEqual({
      required: true,
      content: {
        "application/json": {
          schema: {
            type: "object",
            additionalProperties: false,
            properties: { note: { type: "string", maxLength: 200, description: "Why" }, when: {} },
            required: ["note"],
          },
        },
      },
    });
  });

  it("answers the declared statuses plus the universal ones, 403 for a staff role and 413/415 for a body", () => {
    const operation = build().paths["/api/things/{id}/approve"].post;
    expect(Object.keys(operation.responses)).toEqual(["201", "400", "401", "403", "404", "409", "413", "415", "500"]);
    expect(operation.responses["404"]).toEqual({ $ref: "#/components/responses/Problem404" });
    expect(operation.responses["201"].content["application/json"].schema.properties.id).toEqual({ type: "number" });
    expect(operation.security).toEqual([{ bearerAuth: [] }]);
    expect(operation["x-required-role"]).toBe("finance");
  });

  it("is deterministic, with sorted keys", () => {
    const text = serializeDocument(build());
    expect(serializeDocument(build())).toBe(text);
    const document = JSON.parse(text);
    expect(Object.keys(document)).toEqual(["components", "info", "openapi", "paths", "tags"]);
    expect(document.info.version).toBe("9.9.9");
  });

  it("refuses params that the path does not have, and error statuses it cannot describe", () => {
    const wrongParams = { ...contract, params: v.object({ other: v.string() }) };
    expect(() => buildOpenApiDocument([{ name: "x", paths: ["/api/x/:id"], methods: ["GET"], contract: wrongParams }], { version: "1" })).toThrow('declares "other"');
    const teapot = { ...contract, errors: [418] };
    expect(() => buildOpenApiDocument([{ name: "x", paths: ["/api/x/:id"], methods: ["GET"], contract: teapot }], { version: "1" })).toThrow("status 418");
  });

  it("leaves wildcard infrastructure paths (the CORS preflight) and scheduled functions out", () => {
    const document = buildOpenApiDocument(
      [
        { name: "cors-preflight", paths: ["/api/*"], methods: ["OPTIONS"], contract: undefined },
        { name: "payouts", paths: [], methods: undefined, contract: undefined },
      ],
      { version: "1" },
    );
    expect(document.paths).toEqual({});
  });
});
