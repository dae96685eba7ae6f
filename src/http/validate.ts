import * as v from "valibot";
import { AppError, type FieldError } from "../errors";

export const MAX_BODY_BYTES = 64 * 1024;
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Valibot issues as problem+json field errors with dotted paths (`items.0.quantity`). */
export function fieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? "", message: issue.message }));
}

export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown, what = "request body"): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw new AppError("validation", `The ${what} is invalid`, { errors: fieldErrors(result.issues) });
  return result.output;
}

/** Reads a JSON body: content type, size limit, prototype-polluting keys, then the schema. */
export async function readJson<S extends v.GenericSchema>(request: Request, schema: S): Promise<v.InferOutput<S>> {
  const text = await readText(request);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError("validation", "The request body is not valid JSON");
  }
  const forbidden = findForbiddenKey(data, "");
  if (forbidden !== undefined) throw new AppError("validation", "The request body is invalid", { errors: [{ path: forbidden, message: "This key is not allowed" }] });
  return parseWith(schema, data);
}

/** The raw body, with the JSON content type and size limit enforced (webhooks verify raw text). */
export async function readText(request: Request, contentType = "application/json"): Promise<string> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== contentType) throw new AppError("unsupported_media_type", `Content-Type must be ${contentType}`);
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw tooLarge();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("validation", "The request body is not valid UTF-8");
  }
}

const tooLarge = () => new AppError("payload_too_large", `The request body exceeds ${MAX_BODY_BYTES} bytes`);

function findForbiddenKey(value: unknown, path: string): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return childPath;
    const nested = findForbiddenKey(child, childPath);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** Query parameters against a strict object schema (unknown parameters are refused too). */
export function readQuery<S extends v.GenericSchema>(url: URL, schema: S): v.InferOutput<S> {
  const params: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in params) throw new AppError("validation", "The query is invalid", { errors: [{ path: key, message: "Repeated parameter" }] });
    params[key] = value;
  }
  return parseWith(schema, params, "query");
}
