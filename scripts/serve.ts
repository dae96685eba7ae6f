import { existsSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { env } from "../src/config/env";
import { closeDatabase, database, driverFor, query } from "../src/db/client";
import { loadDotEnv } from "../src/dev/dotenv";
import { loadFunctions } from "../src/dev/routes";
import { createLocalServer } from "../src/dev/server";
import { seedDatabase } from "../src/seed";
import { credentialLines } from "../src/seed/report";

// `npm start`: every Netlify function on one local port, with the same Request/Response handlers.
// No DATABASE_URL: an embedded PGlite under DATA_DIR, migrated and seeded (with the demo network)
// on every start (idempotent), so a fresh clone needs nothing but `npm install && npm start`.

const started = performance.now();
loadDotEnv();
const settings = env();
const kind = driverFor(settings.DATABASE_URL);
// Importing 40-odd modules overlaps with opening (or creating) the database.
const loading = loadFunctions();

if (kind === "embedded") {
  const dataDir = path.resolve(settings.DATA_DIR);
  const firstStart = !existsSync(path.join(dataDir, "pglite"));
  if (firstStart) console.log(`First start: creating the embedded database in ${dataDir} (migrations, seed data, demo network)...`);
  const seeded = await seedDatabase(await database(), { demo: true });
  console.log(`Database: embedded PGlite in ${dataDir} (${firstStart ? "created" : "reused; delete the folder to start afresh"}).`);
  if (seeded.demo?.created && !firstStart) console.log(`Demo network created: ${seeded.demo.members} members.`);
  console.log(credentialLines(seeded, `Stop the server and delete ${dataDir} to start afresh.`).join("\n"));
} else {
  const { hostname, pathname } = new URL(settings.DATABASE_URL!);
  const [ready] = await query<{ member: string | null }>(await database(), sql`select to_regclass('member')::text as member`);
  if (!ready?.member) {
    console.error(`The database at ${hostname}${pathname} has no schema yet: run \`npm run db:migrate\` and \`npm run db:seed\` first.`);
    await closeDatabase();
    process.exit(1);
  }
  console.log(`Database: ${hostname}${pathname} (${kind} driver; seed it with \`npm run db:seed [-- --demo]\`).`);
}

const functions = await loading;
const server = createLocalServer(functions);
server.once("error", (error: NodeJS.ErrnoException) => {
  console.error(error.code === "EADDRINUSE" ? `Port ${settings.PORT} is in use: stop the other server or set PORT (PORT=0 picks a free one).` : error);
  void closeDatabase().finally(() => process.exit(1));
});
server.listen(settings.PORT, () => {
  const { port } = server.address() as AddressInfo;
  const routes = functions.flatMap((fn) => fn.paths.map((p) => `  ${(fn.methods ?? ["*"]).join(",").padEnd(7)} ${p}`));
  const jobs = functions.filter((fn) => fn.schedule).map((fn) => `  POST    /.netlify/functions/${fn.name}  (scheduled: ${fn.schedule})`);
  console.log(["Routes (the OpenAPI document: GET /api/openapi.json):", ...routes, ...jobs].join("\n"));
  console.log(`Listening on http://localhost:${port} (${functions.length} functions, ready in ${Math.round(performance.now() - started)} ms)`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    // PGlite writes its files on close: stop accepting requests, then close the database cleanly.
    server.close();
    server.closeAllConnections();
    void closeDatabase().finally(() => process.exit(0));
  });
}
