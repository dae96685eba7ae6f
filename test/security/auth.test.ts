import { beforeAll, describe, expect, it } from "vitest";
import type { RouteContract } from "../../src/http/contract";
import { isDocumented } from "../../src/http/openapi";
import { loadFunctions, type LoadedFunction } from "../../src/dev/routes";
import type { Role } from "../../src/members/members.sql";
import { createMember, staffToken } from "../support/fixtures";
import { call } from "../support/http";

// The same auth checks on every route, found at test time: a new function file is covered the day
// it lands. Each route must authenticate before it reads its parameters or body, so the dummy
// values below never matter (a 400 here means the guard runs too late).

const functions = await loadFunctions();
const routed = functions.flatMap((fn) => fn.paths.filter(isDocumented).flatMap((path) => (fn.methods ?? []).map((method) => ({ fn, path, method }))));
const guarded = routed.filter(({ fn }) => fn.contract && fn.contract.auth !== "none");
const staffOnly = guarded.filter(({ fn }) => fn.contract!.auth !== "member");

/** Plausible values, so a route that validates first fails on its guard order and not on format. */
const DUMMY: Record<string, string> = { period: "2024-01", memberCode: "ZZZZZZZZ", sku: "NN-KIT-SKIN" };

function request(fn: LoadedFunction, path: string, method: string, token?: string) {
  const params: Record<string, string> = {};
  const concrete = path.replace(/:(\w+)/g, (_, name: string) => (params[name] = DUMMY[name] ?? "1"));
  const hasBody = method !== "GET" && method !== "DELETE";
  return call(fn.handler, { method, path: concrete, params, token, ...(hasBody ? { body: {} } : {}) });
}

const label = ({ fn, method, path }: { fn: LoadedFunction; method: string; path: string }) => `${method} ${path} (${fn.name})`;
const ORDER: Role[] = ["member", "support", "finance", "admin"];
const roleBelow = (auth: RouteContract["auth"]) => ORDER[ORDER.indexOf(auth as Role) - 1]!;

const tokens: Partial<Record<Role, string>> = {};
beforeAll(async () => {
  tokens.member = (await createMember()).token;
  tokens.support = await staffToken("support");
  tokens.finance = await staffToken("finance");
});

describe("every routed function", () => {
  it("declares a contract (the OpenAPI document and these checks read it)", () => {
    expect(routed.filter(({ fn }) => !fn.contract).map(label)).toEqual([]);
    expect(guarded.length).toBeGreaterThan(3);
  });
});

describe.each(guarded.map((route) => [label(route), route] as const))("%s", (_, { fn, path, method }) => {
  it("answers 401 problem+json without a token", async () => {
    const res = await request(fn, path, method);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toMatchObject({ status: 401, title: "Unauthorized" });
  });

  it("answers 401 to a forged token", async () => {
    const forged = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwicm9sZSI6ImFkbWluIn0.";
    expect((await request(fn, path, method, forged)).status).toBe(401);
  });
});

describe.each(staffOnly.map((route) => [label(route), route] as const))("%s (staff)", (_, { fn, path, method }) => {
  it("answers 403 problem+json to a member", async () => {
    const res = await request(fn, path, method, tokens.member);
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers 403 to the role just below the one it requires", async () => {
    const below = roleBelow(fn.contract!.auth);
    expect((await request(fn, path, method, tokens[below])).status).toBe(403);
  });
});
