import { existsSync } from "node:fs";

/**
 * Local commands (npm start, db:migrate, db:seed) read ./.env when there is one, as the Netlify CLI
 * does; variables already set in the shell win. Deployed functions get their settings from Netlify.
 */
export function loadDotEnv(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
