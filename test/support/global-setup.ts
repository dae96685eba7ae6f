import { connect, migrateServer } from "../../src/db/client";
import { seedDatabase } from "../../src/seed";
import type { TestProject } from "vitest/node";
import { admin, databaseExists, templateName, urlFor } from "./databases";

/** Builds the template database once per change of schema or seed; test files clone it. */
export default async function setup(project: TestProject): Promise<void> {
  process.env.SEED_STAFF_PASSWORD ??= "staff-password-for-tests";
  const template = templateName();
  project.provide("templateDb", template);
  const ready = await admin((client) => databaseExists(client, template));
  if (ready) return;
  const building = `${template}_build_${process.pid}`;
  await admin((client) => client.query(`create database "${building}"`));
  await migrateServer(urlFor(building));
  const connection = await connect(urlFor(building), { poolMax: 1 });
  await seedDatabase(connection.db);
  await connection.close();
  await admin(async (client) => {
    // Another run may have finished the same template meanwhile: keep theirs.
    if (await databaseExists(client, template)) await client.query(`drop database "${building}"`);
    else await client.query(`alter database "${building}" rename to "${template}"`);
  });
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
  }
}
