import * as v from "valibot";

/** Every operating setting, parsed once per cold start. See .env.example for what each one does. */
const EnvSchema = v.object({
  NODE_ENV: v.optional(v.picklist(["development", "test", "production"]), "development"),
  DATABASE_URL: v.optional(v.pipe(v.string(), v.nonEmpty(), v.url("DATABASE_URL must be a postgres:// URL"))),
  /** Forces the Neon driver for a host that does not end in .neon.tech (a proxy, a local Neon). */
  DATABASE_DRIVER: v.optional(v.literal("neon", "DATABASE_DRIVER may only be neon")),
  /** Connections per function instance (default 10); concurrent money requests queue for one. */
  DATABASE_POOL_MAX: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, "DATABASE_POOL_MAX must be a number"), v.transform(Number), v.minValue(1), v.maxValue(500))),
  DATA_DIR: v.optional(v.string(), ".data"),
  JWT_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, "JWT_SECRET must be at least 32 characters"))),
  STRIPE_SECRET_KEY: v.optional(v.string()),
  STRIPE_WEBHOOK_SECRET: v.optional(v.string()),
  STRIPE_API_URL: v.optional(v.pipe(v.string(), v.url())),
  DATA_ENCRYPTION_KEY: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/i, "DATA_ENCRYPTION_KEY must be 64 hex characters"))),
  CORS_ORIGINS: v.optional(v.string(), ""),
  APP_NOW: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  PORT: v.optional(v.pipe(v.string(), v.regex(/^\d{1,5}$/, "PORT must be a port number"), v.transform(Number), v.maxValue(65535, "PORT must be a port number")), "8888"),
  SEED_ROOT_CODE: v.optional(v.string(), "NNPROTECT"),
  SEED_STAFF_PASSWORD: v.optional(v.pipe(v.string(), v.minLength(10, "SEED_STAFF_PASSWORD must be at least 10 characters"))),
  SEED_SUPPORT_EMAIL: v.optional(v.pipe(v.string(), v.email("SEED_SUPPORT_EMAIL must be an email")), "support@nnprotect.local"),
  SEED_FINANCE_EMAIL: v.optional(v.pipe(v.string(), v.email("SEED_FINANCE_EMAIL must be an email")), "finance@nnprotect.local"),
  SEED_ADMIN_EMAIL: v.optional(v.pipe(v.string(), v.email("SEED_ADMIN_EMAIL must be an email")), "admin@nnprotect.local"),
});

export type Env = v.InferOutput<typeof EnvSchema> & { corsOrigins: string[]; isProduction: boolean };

/** Development-only fallbacks, so that `npm start` works with no .env at all. Production must set its own. */
const DEV_DEFAULTS = {
  JWT_SECRET: "dev-only-jwt-secret-change-me-0123456789abcdef",
  DATA_ENCRYPTION_KEY: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
  STRIPE_SECRET_KEY: "sk_test_dev",
  STRIPE_WEBHOOK_SECRET: "whsec_dev",
};

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  // An empty value (`KEY=` copied from .env.example) means unset, as it does to most tools.
  const set = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ""));
  const result = v.safeParse(EnvSchema, set);
  if (!result.success) {
    throw new Error(`Invalid settings:\n${result.issues.map((issue) => `  ${v.getDotPath(issue)}: ${issue.message}`).join("\n")}`);
  }
  const parsed = result.output;
  const isProduction = parsed.NODE_ENV === "production" || process.env.CONTEXT === "production";
  if (isProduction) {
    if (parsed.APP_NOW) throw new Error("APP_NOW is for tests and local runs only; refusing to start in production");
    for (const key of ["DATABASE_URL", "JWT_SECRET", "DATA_ENCRYPTION_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] as const) {
      if (!parsed[key]) throw new Error(`${key} must be set in production`);
    }
  }
  cached = {
    ...DEV_DEFAULTS,
    ...Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined)),
    corsOrigins: parsed.CORS_ORIGINS.split(",").map((origin) => origin.trim()).filter(Boolean),
    isProduction,
  } as Env;
  return cached;
}

/** Tests change settings between cases; production never calls this. */
export function resetEnv(): void {
  cached = undefined;
}
