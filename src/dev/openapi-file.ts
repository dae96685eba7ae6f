import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument } from "../http/openapi";
import { loadFunctions } from "./routes";

// Where the generated document lives, and how to generate it. Netlify bundles each function alone
// and cannot list netlify/functions at run time, so the document is generated here and committed;
// netlify/functions/openapi.ts serves the committed file, and a test fails when it is stale.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const openApiFile = path.join(root, "src/http/openapi.json");

export async function generateOpenApiDocument(): Promise<Record<string, unknown>> {
  const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  return buildOpenApiDocument(await loadFunctions(), { version });
}
