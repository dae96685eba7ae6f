import { closeDatabase, database } from "../src/db/client";
import { seedDatabase } from "../src/seed";

// `npm run db:seed [-- --demo]`: idempotent; prints the staff credentials it creates.
const credentials = await seedDatabase(await database(), { demo: process.argv.includes("--demo") });
console.log(`Company root member code: ${credentials.rootCode}`);
for (const { role, email } of credentials.staff) console.log(`  ${role.padEnd(8)} ${email}`);
if (credentials.generatedPassword) console.log(`Staff password (generated, shown once): ${credentials.generatedPassword}`);
await closeDatabase();
