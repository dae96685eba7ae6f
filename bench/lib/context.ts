import pg from "pg";
import { resetEnv } from "../../src/config/env";
import { closeDatabase, database, migrateServer, type Database } from "../../src/db/client";
import { seedDatabase } from "../../src/seed";

// What every bench module gets: a fresh, migrated and seeded database of its own on the local
// server, which the function handlers use too (DATABASE_URL points at it), and a way to report.

export const BENCH_SERVER = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const BENCH_STAFF_PASSWORD = "bench-staff-password";

export interface BenchRow {
  measure: string;
  /** With its unit, e.g. `ms(12.34)`. */
  value: string;
  detail?: string;
}

export interface BenchContext {
  db: Database;
  /** `--reuse`: the database may hold the module's data from its last run. */
  reuse: boolean;
  /** Prints one figure at once (long benches show progress) and keeps it for the closing table. */
  report(row: BenchRow): void;
}

export interface BenchModule {
  name: string;
  run(ctx: BenchContext): Promise<void>;
}

/**
 * Drops and recreates `nnp_bench_<name>` (with `reuse`, keeps it if it exists), migrates and seeds
 * it, and points the app's connection at it.
 */
export async function freshDatabase(name: string, options: { reuse?: boolean } = {}): Promise<Database> {
  const database_ = `nnp_bench_${name.replace(/\W/g, "_")}`;
  const admin = new pg.Client({ connectionString: BENCH_SERVER });
  await admin.connect();
  const exists = (await admin.query("select 1 from pg_database where datname = $1", [database_])).rowCount === 1;
  if (!(options.reuse && exists)) {
    await admin.query(`drop database if exists "${database_}" with (force)`);
    await admin.query(`create database "${database_}"`);
  }
  await admin.end();
  const url = new URL(BENCH_SERVER);
  url.pathname = `/${database_}`;
  await closeDatabase();
  process.env.DATABASE_URL = url.toString();
  process.env.SEED_STAFF_PASSWORD = BENCH_STAFF_PASSWORD;
  resetEnv();
  await migrateServer(url.toString());
  const db = await database();
  await seedDatabase(db);
  return db;
}

/**
 * Runs `work(i)` for every i below `count` from `clients` concurrent clients, each taking the next
 * index as soon as it is free (as concurrent function instances take requests).
 */
export async function fromClients(clients: number, count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

/** Runs `work` `count` times in sequence and answers the p50 and p95 of its duration in ms. */
export async function percentiles(count: number, work: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await work(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p95: at(0.95) };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

export const ms = (value: number) => `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;

export const p50p95 = ({ p50, p95 }: { p50: number; p95: number }) => `${ms(p50)} / ${ms(p95)}`;
