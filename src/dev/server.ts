import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { AppError } from "../errors";
import { withStandardHeaders } from "../http/handler";
import { problemResponse } from "../http/problem";
import { findRoute, type LoadedFunction } from "./routes";

// The local HTTP server: Node's request in, the same Request/Response handlers Netlify runs, and
// Netlify's answers where no function matches (problem+json 404/405 here, for clarity).

const SCHEDULED = /^\/\.netlify\/functions\/([\w-]+)\/?$/;

export function toRequest(incoming: IncomingMessage): Request {
  const url = `http://${incoming.headers.host ?? "localhost"}${incoming.url ?? "/"}`;
  const method = incoming.method ?? "GET";
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, { method, headers, body: hasBody ? (Readable.toWeb(incoming) as ReadableStream) : undefined, duplex: "half" } as RequestInit);
}

/** Finds and runs the function for a request; `POST /.netlify/functions/<name>` runs a scheduled one. */
export async function dispatch(functions: LoadedFunction[], request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const scheduled = SCHEDULED.exec(pathname);
  if (scheduled) {
    const fn = functions.find((candidate) => candidate.name === scheduled[1] && candidate.schedule);
    if (!fn) return problem(request, new AppError("not_found", `No scheduled function named ${scheduled[1]}`));
    if (request.method !== "POST") return problem(request, new AppError("method_not_allowed", "Invoke a scheduled function with POST"), "POST");
    return fn.handler(request, { params: {} });
  }
  const route = findRoute(functions, request.method, pathname);
  if (route === undefined) return problem(request, new AppError("not_found", `No route for ${request.method} ${pathname}`));
  if ("allow" in route) return problem(request, new AppError("method_not_allowed", `${request.method} is not allowed on ${pathname}`), route.allow.join(", "));
  return route.fn.handler(request, { params: route.params });
}

function problem(request: Request, error: AppError, allow?: string): Response {
  const requestId = randomUUID();
  const response = withStandardHeaders(problemResponse(error, requestId), request, requestId);
  if (allow) response.headers.set("Allow", allow);
  return response;
}

async function respond(functions: LoadedFunction[], incoming: IncomingMessage, outgoing: ServerResponse): Promise<number> {
  try {
    const response = await dispatch(functions, toRequest(incoming));
    const body = Buffer.from(await response.arrayBuffer());
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(body);
    return response.status;
  } catch (error) {
    // The handlers map their own errors; this is the server itself failing (e.g. a body stream error).
    console.error("local server error", error);
    if (!outgoing.headersSent) outgoing.writeHead(500, { "content-type": "application/problem+json" });
    outgoing.end(JSON.stringify({ type: "about:blank", title: "Internal server error", status: 500, detail: "The local server failed; see its log.", errors: [] }));
    return 500;
  }
}

/** One access-log line per request, so a person running `npm start` sees what the frontend calls. */
export function createLocalServer(functions: LoadedFunction[], log: (line: string) => void = console.log): Server {
  return createServer((incoming, outgoing) => {
    const started = performance.now();
    void respond(functions, incoming, outgoing).then((status) => {
      log(`${incoming.method} ${incoming.url} ${status} ${Math.round(performance.now() - started)} ms`);
    });
  });
}
