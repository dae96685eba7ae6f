import type { FunctionContext } from "../../src/http/handler";

type Handler = (request: Request, context?: FunctionContext) => Promise<Response>;

export interface CallOptions {
  method?: string;
  /** Path and query, e.g. `/api/network/downline?level=2`. */
  path: string;
  body?: unknown;
  /** Sent as-is (not JSON-encoded) when a string. */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls a Netlify function handler exactly as the platform would: a Request in, a Response out. */
export async function call<T = any>(handler: Handler, options: CallOptions): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const request = new Request(`http://localhost${options.path}`, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  // As the platform does, the invocation ends when the work it left for after the response settles.
  const background: Promise<unknown>[] = [];
  const response = await handler(request, { params: options.params ?? {}, waitUntil: (promise) => background.push(promise) });
  await Promise.all(background);
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return { status: response.status, headers: response.headers, body: type.includes("json") && text ? JSON.parse(text) : text };
}
