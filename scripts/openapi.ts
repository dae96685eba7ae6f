import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generateOpenApiDocument, openApiFile } from "../src/dev/openapi-file";
import { serializeDocument } from "../src/http/openapi";

// `npm run openapi`: regenerates src/http/openapi.json from every function's contract.
// `npm run openapi -- --check`: exits 1 instead when the committed file is stale.

const text = serializeDocument(await generateOpenApiDocument());
const current = (() => {
  try {
    return readFileSync(openApiFile, "utf8");
  } catch {
    return undefined;
  }
})();

if (process.argv.includes("--check")) {
  if (current !== text) {
    console.error(`${path.relative(process.cwd(), openApiFile)} is stale: run \`npm run openapi\`.`);
    process.exit(1);
  }
  console.log("OpenAPI document is up to date.");
} else {
  if (current !== text) writeFileSync(openApiFile, text);
  const document = JSON.parse(text) as { paths: Record<string, Record<string, unknown>> };
  const operations = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).length, 0);
  console.log(`${current === text ? "Unchanged" : "Wrote"} ${path.relative(process.cwd(), openApiFile)}: ${operations} operations.`);
}
