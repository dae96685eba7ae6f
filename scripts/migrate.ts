import { env } from "../src/config/env";
import { connect, migrateServer } from "../src/db/client";
import { loadDotEnv } from "../src/dev/dotenv";

// `npm run db:migrate`: applies migrations/ to DATABASE_URL (the embedded database migrates itself).
loadDotEnv();
const url = env().DATABASE_URL;
if (url) {
  await migrateServer(url);
  console.log("Migrations applied.");
} else {
  await (await connect()).close();
  console.log("Embedded database migrated.");
}
