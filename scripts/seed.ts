import path from "node:path";
import { env } from "../src/config/env";
import { closeDatabase, database } from "../src/db/client";
import { loadDotEnv } from "../src/dev/dotenv";
import { seedDatabase } from "../src/seed";
import { credentialLines } from "../src/seed/report";

// `npm run db:seed [-- --demo]`: idempotent; prints how to sign in (a generated password only once).
loadDotEnv();
const result = await seedDatabase(await database(), { demo: process.argv.includes("--demo") });
const embedded = !env().DATABASE_URL;
const dataDir = path.resolve(env().DATA_DIR);
console.log(`Seeded ${embedded ? `the embedded database in ${dataDir}` : "the DATABASE_URL database"}. Company root member code: ${result.rootCode}`);
if (result.demo) console.log(result.demo.created ? `Demo network created: ${result.demo.members} members.` : "Demo network already present.");
const startAfresh = embedded ? `Delete ${dataDir} to start afresh.` : "Drop and re-create the database, then run db:migrate and db:seed again.";
console.log(credentialLines(result, startAfresh).join("\n"));
await closeDatabase();
