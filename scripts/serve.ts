import { createServer, type IncomingMessage } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { env } from "../src/config/env";
import { database, driverFor } from "../src/db/client";
import { findRoute, loadFunctions } from "../src/dev/routes";
import { seedDatabase } from "../src/seed";

// `npm start`: every Netlify function on one local port, with the same Request/Response handlers.

const started = Date.now();
const settings = env();
const db = await database();
if (driverFor(settings.DATABASE_URL) === "embedded") {
  const credentials = await seedDatabase(db, { demo: true });
  console.log(`Embedded database in ${path.resolve(settings.DATA_DIR)} (migrated and seeded).`);
  console.log(`Company root member code: ${credentials.rootCode}`);
  for (const { role, email } of credentials.staff) console.log(`  ${role.padEnd(8)} ${email}`);
  console.log(credentials.password ? `Staff password: ${credentials.password}` : "Staff password: as printed on the first start (or SEED_STAFF_PASSWORD).");
}
const functions = await loadFunctions(path.resolve("netlify/functions"));

function toRequest(incoming: IncomingMessage): Request {
  const url = `http://${incoming.headers.host ?? "localhost"}${incoming.url ?? "/"}`;
  const method = incoming.method ?? "GET";
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, { method, headers, body: hasBody ? (Readable.toWeb(incoming) as ReadableStream) : undefined, duplex: "half" } as RequestInit);
}

const server = createServer(async (incoming, outgoing) => {
  try {
    const request = toRequest(incoming);
    const { pathname } = new URL(request.url);
    const scheduled = /^\/\.netlify\/functions\/([\w-]+)$/.exec(pathname);
    const fn = scheduled ? functions.find((candidate) => candidate.name === scheduled[1]) : undefined;
    const match = fn && request.method === "POST" ? { fn, params: {} } : findRoute(functions, request.method, pathname);
    const response =
      match === undefined
        ? Response.json({ type: "about:blank", title: "Not found", status: 404, detail: `No route for ${pathname}`, errors: [] }, { status: 404 })
        : match === "method_not_allowed"
          ? Response.json({ type: "about:blank", title: "Method not allowed", status: 405, detail: `${request.method} is not allowed here`, errors: [] }, { status: 405 })
          : await match.fn.handler(request, { params: match.params });
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    console.error("local server error", error);
    outgoing.writeHead(500, { "content-type": "application/problem+json" });
    outgoing.end(JSON.stringify({ type: "about:blank", title: "Internal server error", status: 500, errors: [] }));
  }
});

server.listen(settings.PORT, () => {
  const routes = functions.flatMap((fn) => fn.paths.map((p) => `${(fn.methods ?? ["*"]).join(",").padEnd(7)} ${p}`));
  const jobs = functions.filter((fn) => fn.schedule).map((fn) => `POST    /.netlify/functions/${fn.name}  (${fn.schedule})`);
  console.log([...routes, ...jobs].join("\n"));
  console.log(`Listening on http://localhost:${settings.PORT} (${functions.length} functions, ready in ${Date.now() - started} ms)`);
});
