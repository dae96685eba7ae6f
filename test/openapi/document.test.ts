import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import openApiHandler from "../../netlify/functions/openapi";
import { buildOpenApiDocument, isDocumented, openApiPath, serializeDocument } from "../../src/http/openapi";
import { generateOpenApiDocument, openApiFile } from "../../src/dev/openapi-file";
import { loadFunctions, type LoadedFunction } from "../../src/dev/routes";
import { call } from "../support/http";

type Operation = { operationId: string; parameters?: { name?: string; in?: string; $ref?: string }[]; security?: unknown[]; responses: Record<string, unknown> };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

const committed = JSON.parse(readFileSync(openApiFile, "utf8")) as Document;
let fresh: Document;
let functions: LoadedFunction[];

beforeAll(async () => {
  functions = await loadFunctions();
  fresh = (await generateOpenApiDocument()) as Document;
});

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([route, item]) => Object.entries(item).map(([method, operation]) => ({ route, method: method.toUpperCase(), operation })));

describe("the committed OpenAPI document", () => {
  it("equals a fresh generation from the functions' contracts", () => {
    // Name what changed instead of printing a diff of thousands of lines.
    const keyed = (document: Document) =>
      new Map<string, string>([
        ...operations(document).map(({ route, method, operation }) => [`${method} ${route}`, JSON.stringify(operation)] as [string, string]),
        ...Object.entries(document).filter(([key]) => key !== "paths").map(([key, value]) => [key, JSON.stringify(value)] as [string, string]),
      ]);
    const [before, after] = [keyed(committed), keyed(fresh)];
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key)).sort();
    expect(changed, "src/http/openapi.json is stale: run `npm run openapi` and commit the result").toEqual([]);
    expect(readFileSync(openApiFile, "utf8"), "run `npm run openapi`").toBe(serializeDocument(fresh));
  });

  it("is what GET /api/openapi.json serves", async () => {
    const res = await call(openApiHandler, { path: "/api/openapi.json" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(committed);
  });

  it("documents every function that declares a path, with its method", () => {
    const documented = new Set(operations(fresh).map(({ route, method }) => `${method} ${route}`));
    const declared = functions.flatMap((fn) => fn.paths.filter(isDocumented).flatMap((p) => (fn.methods ?? []).map((method) => `${method} ${openApiPath(p)}`)));
    expect(declared.length).toBeGreaterThan(5);
    expect(declared.filter((route) => !documented.has(route))).toEqual([]);
    expect(documented.size).toBe(declared.length);
  });

  it("is valid OpenAPI 3.1 (the official schema) and every $ref resolves", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(fresh));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    const refs = JSON.stringify(fresh).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs.map((match) => match.slice(8, -1)))) {
      const target = ref.replace(/^#\//, "").split("/").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], fresh);
      expect(target, ref).toBeDefined();
    }
  });

  it("declares each path template parameter, bearer security off public routes only, unique operation ids", () => {
    const ids = new Set<string>();
    for (const { route, operation } of operations(fresh)) {
      const templated = [...route.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === "path").map((parameter) => parameter.name);
      expect(declared, route).toEqual(templated);
      expect(ids.has(operation.operationId), operation.operationId).toBe(false);
      ids.add(operation.operationId);
      expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(["400", "401", "500"]));
    }
    const fn = functions.find((candidate) => candidate.name === "admin-members");
    expect(fresh.paths["/api/admin/members"]!.get!.security).toEqual([{ bearerAuth: [] }]);
    expect(fn?.contract?.auth).toBe("support");
    expect(fresh.paths["/api/auth/login"]!.post!.security).toEqual([]);
  });
});

/** API.md lives in shared/ beside the repository (it wins where the two disagree). */
const apiMd = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../shared/API.md");

/** Operations that are not routes of API.md on purpose. */
const NOT_IN_API_MD: Record<string, string> = {
  "GET /api/openapi.json": "the document itself (issue 2, item 5)",
};

/** `GET /api/a|b` and `POST /api/x/{id}/approve|reject` expand to one route per alternative. */
function apiMdRoutes(text: string): string[] {
  const routes = [...text.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/api\/[^`?\s]*)/g)].flatMap(([, method, route]) => {
    let expanded = [""];
    for (const segment of route!.split("/").slice(1)) expanded = expanded.flatMap((prefix) => segment.split("|").map((choice) => `${prefix}/${choice}`));
    return expanded.map((full) => `${method} ${full}`);
  });
  return [...new Set(routes)];
}

const shape = (route: string) => route.replace(/\{\w+\}/g, "{}");

describe.skipIf(!existsSync(apiMd))("the document against API.md", () => {
  it("reads the routes of API.md", () => {
    const routes = apiMdRoutes(readFileSync(apiMd, "utf8"));
    expect(routes).toEqual(expect.arrayContaining(["POST /api/auth/register", "GET /api/admin/audit-log", "POST /api/admin/withdrawals/{id}/reject", "GET /api/network/downline"]));
  });

  it("has only API.md routes, and the same methods on every path both name", () => {
    const routes = apiMdRoutes(readFileSync(apiMd, "utf8")).map(shape);
    const ours = operations(fresh).map(({ route, method }) => `${method} ${shape(route)}`);
    expect(ours.filter((route) => !routes.includes(route) && !NOT_IN_API_MD[route])).toEqual([]);
    const paths = new Set(operations(fresh).map(({ route }) => shape(route)));
    const missingMethods = routes.filter((route) => paths.has(route.split(" ")[1]!) && !ours.includes(route));
    expect(missingMethods).toEqual([]);
  });
});

describe("buildOpenApiDocument", () => {
  it("refuses a routed function without a contract, naming the file", () => {
    expect(() => buildOpenApiDocument([{ name: "orphan", paths: ["/api/orphan"], methods: ["GET"], contract: undefined }], { version: "1" })).toThrow(
      "netlify/functions/orphan.ts serves /api/orphan but exports no `contract`",
    );
  });
});
