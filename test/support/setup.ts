import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { closeDatabase } from "../../src/db/client";
import { resetEnv } from "../../src/config/env";
import { admin, urlFor } from "./databases";

// Runs before every test file: a fresh database cloned from the template, dropped afterwards.
const name = `nnp_t_${process.pid}_${randomBytes(4).toString("hex")}`;
const template = inject("templateDb");

for (let attempt = 0; ; attempt += 1) {
  try {
    await admin((client) => client.query(`create database "${name}" template "${template}"`));
    break;
  } catch (error) {
    // Concurrent clones of one template can collide briefly ("being accessed by other users").
    if (attempt >= 20) throw error;
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
  }
}

process.env.NODE_ENV = "test";
process.env.DATABASE_URL = urlFor(name);
process.env.SEED_STAFF_PASSWORD ??= "staff-password-for-tests";
process.env.JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789";
process.env.STRIPE_SECRET_KEY = "sk_test_123";
process.env.STRIPE_WEBHOOK_SECRET = "whsec_test_secret";
process.env.DATA_ENCRYPTION_KEY = "0f".repeat(32);
process.env.CORS_ORIGINS = "https://app.nnprotect.test";
delete process.env.APP_NOW;
resetEnv();

afterAll(async () => {
  await closeDatabase();
  await admin((client) => client.query(`drop database if exists "${name}" with (force)`));
});
