import { AppError, type ErrorCode } from "../errors";

/** The one code-to-status table. */
const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  business_rule: 422,
  rate_limited: 429,
  upstream_unavailable: 503,
};

const TITLE: Record<ErrorCode, string> = {
  validation: "Invalid request",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  business_rule: "Request refused",
  rate_limited: "Too many requests",
  upstream_unavailable: "Upstream service unavailable",
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/** RFC 9457 problem document. Unknown errors become a bare 500: no message, stack or SQL leaves. */
export function problemResponse(error: unknown, requestId: string): Response {
  if (!(error instanceof AppError)) {
    console.error(`[${requestId}] unhandled error`, error);
    return problem(500, { type: "about:blank", title: "Internal server error", status: 500, detail: `Request ${requestId} failed; it was logged.`, errors: [] });
  }
  const status = STATUS[error.code];
  const headers: Record<string, string> = {};
  if (error.retryAfter !== undefined) headers["Retry-After"] = String(Math.max(1, Math.ceil(error.retryAfter)));
  return problem(
    status,
    { ...error.extra, type: `https://nnprotect.com/problems/${error.code.replaceAll("_", "-")}`, title: TITLE[error.code], status, detail: error.message, errors: error.errors },
    headers,
  );
}

function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/problem+json", ...headers } });
}
