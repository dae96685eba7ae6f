import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import pg from "pg";

// Each test file gets its own database, cloned from a migrated and seeded template, so files run
// in parallel (and several checkouts share one server) without touching each other's rows.

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export function urlFor(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The template's name changes whenever migrations, seed code or seed data change. */
export function templateName(root = process.cwd()): string {
  const hash = createHash("sha256");
  for (const dir of ["migrations", "src/seed", "src/plan", "data"]) {
    for (const file of listFiles(path.join(root, dir))) hash.update(file).update(readFileSync(file));
  }
  return `nnp_tpl_${hash.digest("hex").slice(0, 16)}`;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? listFiles(full) : [full];
    });
}

export async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(client: pg.Client, name: string): Promise<boolean> {
  const result = await client.query("select 1 from pg_database where datname = $1", [name]);
  return result.rowCount === 1;
}
