import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { handler, json } from "../../src/http/handler";
import { readJson } from "../../src/http/validate";
import { call } from "../support/http";

const Body = v.strictObject({ items: v.array(v.strictObject({ sku: v.string(), quantity: v.pipe(v.number(), v.integer(), v.minValue(1)) })) });
const echo = handler(async ({ request }) => json(await readJson(request, Body)));

describe("request validation", () => {
  it("accepts a valid body and sets the standard headers", async () => {
    const res = await call(echo, { path: "/x", body: { items: [{ sku: "A", quantity: 1 }] } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [{ sku: "A", quantity: 1 }] });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
  });

  it("reports field paths in dotted form", async () => {
    const res = await call(echo, { path: "/x", body: { items: [{ sku: "A", quantity: 0 }] } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.errors).toEqual([{ path: "items.0.quantity", message: expect.any(String) }]);
  });

  it("rejects unknown fields", async () => {
    const res = await call(echo, { path: "/x", body: { items: [], extra: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe("extra");
  });

  it.each(["__proto__", "constructor", "prototype"])("rejects a nested %s key", async (key) => {
    const res = await call(echo, { path: "/x", rawBody: `{"items":[{"sku":"A","quantity":1,"${key}":{"admin":true}}]}`, headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: `items.0.${key}`, message: "This key is not allowed" }]);
  });

  it("refuses other content types with 415 and large bodies with 413", async () => {
    const wrongType = await call(echo, { path: "/x", rawBody: "{}", headers: { "content-type": "text/plain" } });
    expect(wrongType.status).toBe(415);
    const large = await call(echo, { path: "/x", rawBody: JSON.stringify({ items: [], pad: "x".repeat(70 * 1024) }), headers: { "content-type": "application/json" } });
    expect(large.status).toBe(413);
    expect(large.body.status).toBe(413);
  });

  it("answers malformed JSON with 400 and never a stack trace", async () => {
    const res = await call(echo, { path: "/x", rawBody: "{nope", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts/);
  });

  it("turns an unexpected error into a bare 500", async () => {
    const boom = handler(async () => {
      throw new Error("relation secret_table does not exist");
    });
    const original = console.error;
    console.error = () => {};
    const res = await call(boom, { path: "/x" }).finally(() => (console.error = original));
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain("secret_table");
  });

  it("sends CORS headers only to allowed origins", async () => {
    const allowed = await call(echo, { path: "/x", body: { items: [] }, headers: { origin: "https://app.nnprotect.test" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.nnprotect.test");
    const other = await call(echo, { path: "/x", body: { items: [] }, headers: { origin: "https://evil.test" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
