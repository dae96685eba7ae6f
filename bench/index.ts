import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { closeDatabase } from "../src/db/client";
import { freshDatabase, type BenchModule, type BenchRow } from "./lib/context";

// `npm run bench [-- name ...] [--reuse]`: runs every bench/*.bench.ts module (or the named ones),
// each on a fresh database, then prints one table of every figure. `--reuse` keeps a module's
// database from its last run when the module can measure on it again (the orders module: its
// 1M-member tree), to re-measure after a change without rebuilding; quote fresh figures only.

const dir = path.dirname(fileURLToPath(import.meta.url));
const reuse = process.argv.includes("--reuse");
const wanted = process.argv.slice(2).filter((arg) => arg !== "--reuse");
const modules: BenchModule[] = [];
for (const file of readdirSync(dir).filter((name) => name.endsWith(".bench.ts")).sort()) {
  const module = (await import(pathToFileURL(path.join(dir, file)).href)) as BenchModule;
  if (wanted.length === 0 || wanted.includes(module.name)) modules.push(module);
}
const unknown = wanted.filter((name) => !modules.some((module) => module.name === name));
if (unknown.length > 0 || modules.length === 0) {
  console.error(`No bench module named ${unknown.join(", ") || "(none found)"}.`);
  process.exit(1);
}

const rows: (BenchRow & { module: string })[] = [];
for (const module of modules) {
  console.log(`\n== ${module.name}`);
  const db = await freshDatabase(module.name, { reuse });
  await module.run({
    db,
    reuse,
    report(row) {
      rows.push({ module: module.name, ...row });
      console.log(`  ${row.measure}: ${row.value}${row.detail ? `  (${row.detail})` : ""}`);
    },
  });
}
await closeDatabase();

const cells = rows.map((row) => [row.module, row.measure, row.value, row.detail ?? ""]);
const widths = [0, 1, 2, 3].map((c) => Math.max(...[["bench", "measure", "value", "detail"], ...cells].map((cell) => cell[c]!.length)));
const line = (cell: string[]) => `| ${cell.map((text, c) => (c === 2 ? text.padStart(widths[c]!) : text.padEnd(widths[c]!))).join(" | ")} |`;
console.log(`\n${line(["bench", "measure", "value", "detail"])}\n|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const cell of cells) console.log(line(cell));
