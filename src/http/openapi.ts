import { toJsonSchema, type ConversionConfig, type JsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import type { RouteContract } from "./contract";
import { MAX_BODY_BYTES } from "./validate";

// Builds the OpenAPI 3.1 document from what every function file declares (`config` + `contract`).
// Pure and deterministic: the same functions give the same document, byte for byte once serialised.

/** What the builder needs of a function module (src/dev/routes.ts loads these). */
export interface DocumentedFunction {
  name: string;
  paths: string[];
  methods: string[] | undefined;
  contract: RouteContract | undefined;
}

type JsonObject = Record<string, unknown>;

const PROBLEM_DESCRIPTION: Record<number, string> = {
  400: "Invalid request: `errors[].path` names each bad field (dotted, e.g. `items.0.quantity`)",
  401: "Missing, invalid or expired credentials",
  403: "The caller's role does not allow this",
  404: "Not found (also another member's private resource)",
  409: "Conflicts with the resource's current state",
  413: `The body exceeds ${MAX_BODY_BYTES} bytes`,
  415: "The body is not `application/json`",
  422: "Refused by a business rule",
  429: "Too many requests: retry after `Retry-After` seconds",
  500: "Unexpected failure, logged under the response's `X-Request-Id`; nothing internal is disclosed",
  503: "A payment provider failed or could not be reached; nothing was charged, retry later",
};
const ALWAYS = [400, 401, 500];
const ROLE_TEXT: Record<RouteContract["auth"], string> = {
  none: "Public.",
  member: "Any signed-in account.",
  support: "Staff: support, finance or admin (403 for members).",
  finance: "Staff: finance or admin (403 below).",
  admin: "Staff: admin only (403 below).",
};

/**
 * Schemas that cannot be expressed (transforms, custom checks) are skipped rather than fatal:
 * requests are described as the client sends them ("input"), responses as the server writes them.
 */
const convert = (schema: v.GenericSchema, typeMode: ConversionConfig["typeMode"]): JsonObject => {
  const converted = { ...(toJsonSchema(schema, { target: "draft-2020-12", typeMode, errorMode: "ignore" }) as JsonSchema & JsonObject) };
  delete converted.$schema; // OpenAPI 3.1 already speaks draft 2020-12
  return converted;
};

/** `/api/orders/:id` -> `/api/orders/{id}`; wildcard paths are infrastructure, not operations. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
const pathParamNames = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
export const isDocumented = (path: string) => !path.includes("*");
const operationIdOf = (name: string) => name.replace(/[-_.]+([a-z0-9])/gi, (_, next: string) => next.toUpperCase());

export function buildOpenApiDocument(functions: DocumentedFunction[], info: { version: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  const operationIds = new Set<string>();
  for (const fn of functions) {
    for (const path of fn.paths.filter(isDocumented)) {
      if (!fn.contract) throw new Error(`netlify/functions/${fn.name}.ts serves ${path} but exports no \`contract\` (see src/http/contract.ts)`);
      if (!fn.methods?.length) throw new Error(`netlify/functions/${fn.name}.ts: config.method is required for a documented route`);
      for (const method of fn.methods) {
        const suffix = fn.paths.length * fn.methods.length > 1 ? `${method[0]}${method.slice(1).toLowerCase()}${fn.paths.indexOf(path) || ""}` : "";
        const operationId = operationIdOf(fn.name) + suffix;
        if (operationIds.has(operationId)) throw new Error(`Duplicate operationId ${operationId}`);
        operationIds.add(operationId);
        const item = (paths[openApiPath(path)] ??= {});
        const verb = method.toLowerCase();
        if (item[verb]) throw new Error(`${method} ${path} is declared twice (netlify/functions/${fn.name}.ts)`);
        item[verb] = operation(fn.name, operationId, path, fn.contract);
      }
    }
  }
  const tags = [...new Set(Object.values(paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags as string[])))];
  return sortKeys({
    openapi: "3.1.0",
    info: {
      title: "NN Protect back office API",
      version: info.version,
      description:
        "Generated from the functions' validation schemas (`npm run openapi`). Errors are RFC 9457 problem documents; " +
        "money is `{amount, currency}` with a 2-place decimal string; instants are ISO 8601 UTC; lists take `page`, `pageSize` (max 100) and `sort` (`-` for descending).",
    },
    tags: tags.sort().map((name) => ({ name })),
    paths,
    components: components(),
  }) as JsonObject;
}

function operation(name: string, operationId: string, path: string, contract: RouteContract): JsonObject {
  const parameters: JsonObject[] = [...pathParameters(path, contract), ...queryParameters(contract)];
  if (contract.idempotent) parameters.push({ $ref: "#/components/parameters/IdempotencyKey" });
  const errorStatuses = new Set([...ALWAYS, ...(contract.errors ?? [])]);
  if (contract.body) [413, 415].forEach((status) => errorStatuses.add(status));
  if (contract.auth !== "none" && contract.auth !== "member") errorStatuses.add(403);
  const responses: JsonObject = { [String(contract.success.status)]: successResponse(contract.success) };
  for (const status of errorStatuses) {
    if (!PROBLEM_DESCRIPTION[status]) throw new Error(`netlify/functions/${name}.ts: no problem response is defined for status ${status}`);
    responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
  }
  return {
    operationId,
    summary: contract.summary,
    description: ROLE_TEXT[contract.auth],
    tags: [contract.tag],
    ...(contract.auth === "none" ? { security: [] } : { security: [{ bearerAuth: [] }], "x-required-role": contract.auth }),
    ...(parameters.length ? { parameters } : {}),
    ...(contract.body ? { requestBody: { required: true, content: { "application/json": { schema: convert(contract.body, "input") } } } } : {}),
    responses,
  };
}

function pathParameters(path: string, contract: RouteContract): JsonObject[] {
  const properties = objectProperties(contract.params, "params");
  const names = pathParamNames(path);
  for (const declared of Object.keys(properties)) {
    if (!names.includes(declared)) throw new Error(`contract.params declares "${declared}", which is not in the path ${path}`);
  }
  return names.map((name) => ({ name, in: "path", required: true, schema: properties[name] ?? { type: "string" } }));
}

function queryParameters(contract: RouteContract): JsonObject[] {
  const schema = contract.query ? convert(contract.query, "input") : {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(objectProperties(contract.query, "query")).map(([name, property]) => {
    const { description, ...rest } = property as JsonObject;
    return { name, in: "query", required: required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

function objectProperties(schema: v.GenericSchema | undefined, what: string): Record<string, JsonObject> {
  if (!schema) return {};
  const converted = convert(schema, "input");
  if (converted.type !== "object") throw new Error(`contract.${what} must be an object schema`);
  return (converted.properties ?? {}) as Record<string, JsonObject>;
}

function successResponse(success: RouteContract["success"]): JsonObject {
  const description = success.description ?? ({ 200: "OK", 201: "Created", 202: "Accepted", 204: "No content" }[success.status] || "Success");
  return {
    description,
    headers: { "X-Request-Id": { $ref: "#/components/headers/XRequestId" } },
    ...(success.schema ? { content: { "application/json": { schema: convert(success.schema, "output") } } } : {}),
  };
}

function components(): JsonObject {
  const problem = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
  const requestId = { "X-Request-Id": { $ref: "#/components/headers/XRequestId" } };
  const responses = Object.fromEntries(
    Object.entries(PROBLEM_DESCRIPTION).map(([status, description]) => [
      `Problem${status}`,
      { description, headers: status === "429" ? { ...requestId, "Retry-After": { $ref: "#/components/headers/RetryAfter" } } : requestId, content: problem },
    ]),
  );
  return {
    securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "Access token from /api/auth/login, /register or /refresh (15 minutes)" } },
    parameters: {
      IdempotencyKey: {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description: "Retrying with the same key and body returns the first response; the same key with another body is refused (422)",
        schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
      },
    },
    headers: {
      XRequestId: { description: "Identifies the request in the logs", schema: { type: "string", format: "uuid" } },
      RetryAfter: { description: "Seconds to wait before retrying", schema: { type: "integer", minimum: 1 } },
    },
    schemas: {
      Problem: {
        type: "object",
        description: "RFC 9457 problem document",
        required: ["type", "title", "status", "detail", "errors"],
        properties: {
          type: { type: "string" },
          title: { type: "string" },
          status: { type: "integer" },
          detail: { type: "string" },
          errors: {
            type: "array",
            items: { type: "object", required: ["path", "message"], properties: { path: { type: "string" }, message: { type: "string" } } },
          },
        },
      },
    },
    responses,
  };
}

/** Recursively sorted object keys (arrays keep their order): stable output whatever the import order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as JsonObject)[key])]),
  );
}

/** The committed file's exact text. */
export const serializeDocument = (document: JsonObject) => `${JSON.stringify(document, null, 2)}\n`;
