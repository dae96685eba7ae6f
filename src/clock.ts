import { env } from "./config/env";

/**
 * The business clock. `APP_NOW` freezes it (it does not tick) so periods, holds and expiry can be
 * tested; env() refuses APP_NOW in production. Read on every call so a test can move it.
 */
export function now(): Date {
  const frozen = process.env.APP_NOW;
  if (frozen) {
    env();
    return new Date(frozen);
  }
  return new Date();
}
