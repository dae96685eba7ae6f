import { describe, expect, it } from "vitest";
import { findRoute, matchPath, type LoadedFunction } from "../../src/dev/routes";
import { dispatch } from "../../src/dev/server";

// The local router, on stand-in functions that echo who answered.

function fn(name: string, paths: string[], methods?: string[], schedule?: string): LoadedFunction {
  return {
    name,
    paths,
    methods,
    schedule,
    contract: undefined,
    handler: async (request, context) => Response.json({ name, method: request.method, params: context?.params }),
  };
}

const functions = [
  fn("order-cancel", ["/api/orders/:id/cancel"], ["POST"]),
  fn("order", ["/api/orders/:id"], ["GET"]),
  fn("orders-export", ["/api/orders/export"], ["GET"]),
  fn("orders", ["/api/orders"], ["GET", "POST"]),
  fn("cors-preflight", ["/api/*"], ["OPTIONS"]),
  fn("payouts", [], undefined, "@daily"),
];
const route = (method: string, pathname: string) => {
  const found = findRoute(functions, method, pathname);
  return found && "fn" in found ? { name: found.fn.name, params: found.params } : found;
};

describe("matchPath", () => {
  it("matches exact, parameter and wildcard segments", () => {
    expect(matchPath("/api/orders", "/api/orders")).toEqual({});
    expect(matchPath("/api/orders/:id/cancel", "/api/orders/42/cancel")).toEqual({ id: "42" });
    expect(matchPath("/api/*", "/api/anything/at/all")).toEqual({});
    expect(matchPath("/api/orders", "/api/orders/42")).toBeUndefined();
    expect(matchPath("/api/orders/:id", "/api/orders")).toBeUndefined();
  });

  it("decodes parameters, and a malformed escape matches nothing instead of throwing", () => {
    expect(matchPath("/api/members/:code", "/api/members/a%20b")).toEqual({ code: "a b" });
    expect(matchPath("/api/members/:code", "/api/members/%E0%A4%A")).toBeUndefined();
  });
});

describe("findRoute", () => {
  it("prefers an exact path over a parameter, and both over a wildcard", () => {
    expect(route("GET", "/api/orders/export")).toEqual({ name: "orders-export", params: {} });
    expect(route("GET", "/api/orders/7")).toEqual({ name: "order", params: { id: "7" } });
    expect(route("POST", "/api/orders/7/cancel")).toEqual({ name: "order-cancel", params: { id: "7" } });
    expect(route("OPTIONS", "/api/orders/7")).toEqual({ name: "cors-preflight", params: {} });
  });

  it("chooses by method among functions on one path", () => {
    expect(route("POST", "/api/orders")).toEqual({ name: "orders", params: {} });
  });

  it("answers the allowed methods for a known path with another method", () => {
    expect(route("DELETE", "/api/orders")).toEqual({ allow: ["GET", "POST"] });
    expect(route("GET", "/api/orders/7/cancel")).toEqual({ allow: ["POST"] });
  });

  it("leaves an unknown path unmatched, even under the preflight's wildcard", () => {
    expect(route("GET", "/api/nothing-here")).toBeUndefined();
    expect(route("GET", "/elsewhere")).toBeUndefined();
  });
});

describe("dispatch", () => {
  const send = (method: string, path: string) => dispatch(functions, new Request(`http://localhost${path}`, { method }));

  it("runs the matched function with its path parameters", async () => {
    const res = await send("GET", "/api/orders/9");
    expect(await res.json()).toEqual({ name: "order", method: "GET", params: { id: "9" } });
  });

  it("invokes a scheduled function by name with POST /.netlify/functions/<name>", async () => {
    const res = await send("POST", "/.netlify/functions/payouts");
    expect(await res.json()).toMatchObject({ name: "payouts", method: "POST" });
    const wrongMethod = await send("GET", "/.netlify/functions/payouts");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
  });

  it("does not expose routed functions under /.netlify/functions (as on Netlify)", async () => {
    const res = await send("POST", "/.netlify/functions/orders");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers 404 and 405 as problem+json with the standard headers", async () => {
    const missing = await send("GET", "/api/missing");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, detail: "No route for GET /api/missing" });
    expect(missing.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers.get("x-content-type-options")).toBe("nosniff");
    const notAllowed = await send("PUT", "/api/orders");
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.get("allow")).toBe("GET, POST");
  });
});
