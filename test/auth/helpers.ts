import { expect } from "vitest";
import type { CallResult } from "../support/http";

/** Asserts an RFC 9457 problem answer with this status (and, if given, an error at `path`). */
export function expectProblem(response: CallResult, status: number, path?: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), errors: expect.any(Array) });
  if (path !== undefined) expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
}

/** Freezes the business clock (APP_NOW) at `instant`; the file's afterEach must delete APP_NOW. */
export function setClock(instant: Date | string): void {
  process.env.APP_NOW = typeof instant === "string" ? instant : instant.toISOString();
}

export const minutes = (count: number) => count * 60_000;
