import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type RunningServer } from "./local-server";

// `npm start` for real: a child process serving every function over HTTP.

describe("the local server on the test database (DATABASE_URL set)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startLocalServer({ DATABASE_URL: process.env.DATABASE_URL });
  }, 180_000);
  afterAll(() => server?.stop());

  it("says which database it uses and lists the routes", () => {
    expect(server.output()).toMatch(/Database: 127\.0\.0\.1\/nnp_t_\w+ \(postgres driver/);
    expect(server.output()).toContain("GET     /api/openapi.json");
    expect(server.output()).not.toContain("password");
  });

  it("serves a function at its configured path", async () => {
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json()).openapi).toBe("3.1.0");
  });

  it("passes bodies and headers through: a sign-in with the seeded staff password", async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "support@nnprotect.local", password: process.env.SEED_STAFF_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const { accessToken } = await res.json();
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await me.json()).role).toBe("support");
  });

  it("answers an unknown path with a problem+json 404", async () => {
    const res = await fetch(`${server.url}/api/no-such-route`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await res.json()).status).toBe(404);
  });

  it("answers a CORS preflight for an allowed origin, and refuses another", async () => {
    const allowed = await fetch(`${server.url}/api/me`, {
      method: "OPTIONS",
      headers: { origin: "https://app.nnprotect.test", "access-control-request-method": "GET" },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.nnprotect.test");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("Authorization");
    const other = await fetch(`${server.url}/api/me`, { method: "OPTIONS", headers: { origin: "https://elsewhere.test" } });
    expect(other.status).toBe(403);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("the local server with no DATABASE_URL (embedded, as on a fresh clone)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "nnp-serve-"));
  // Empty means unset (and keeps a developer's .env from filling them in).
  const embedded = { DATABASE_URL: "", SEED_STAFF_PASSWORD: "", DATA_DIR: dataDir };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("creates, seeds and prints the credentials on the first start only; a restart reuses the data", async () => {
    const first = await startLocalServer(embedded);
    let password: string;
    try {
      expect(first.output()).toContain(`First start: creating the embedded database in ${dataDir}`);
      expect(first.output()).toContain("demo@nnprotect.local  (leads the demo network: 300 members");
      password = /^ {2}password (\S+)$/m.exec(first.output())![1]!;
      const res = await fetch(`${first.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "demo@nnprotect.local", password }),
      });
      expect(res.status).toBe(200);
    } finally {
      await first.stop();
    }
    const second = await startLocalServer(embedded);
    try {
      expect(second.output()).toContain("(reused; delete the folder to start afresh)");
      expect(second.output()).not.toContain(password);
      const res = await fetch(`${second.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@nnprotect.local", password }),
      });
      expect(res.status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 240_000); // two starts, the first creating a database (PGlite's initdb is CPU-bound)
});
