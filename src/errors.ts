/**
 * The closed vocabulary of failures the core may report. The core never speaks HTTP: src/http maps
 * each code to a status in one table.
 */
export type ErrorCode =
  | "validation"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "business_rule"
  | "rate_limited"
  | "payload_too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  /** A provider we depend on (Stripe) failed or could not be reached: retry later. */
  | "upstream_unavailable";

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  /** Seconds, for rate_limited. */
  readonly retryAfter?: number;
  /** Extra members of the problem document (e.g. the current state on a 409). */
  readonly extra?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { errors?: FieldError[]; retryAfter?: number; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.errors = options.errors ?? [];
    this.retryAfter = options.retryAfter;
    this.extra = options.extra;
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
export const conflict = (message: string, extra?: Record<string, unknown>) => new AppError("conflict", message, { extra });
export const refused = (message: string, errors?: FieldError[]) => new AppError("business_rule", message, { errors });
