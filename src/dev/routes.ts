import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RouteContract } from "../http/contract";
import type { FunctionContext } from "../http/handler";

// The local stand-in for Netlify's router: every function under netlify/functions at the path and
// method(s) its `config` declares; scheduled functions by name under /.netlify/functions/.

/** What Netlify calls: a Request and its context (path params) in, a Response out. */
type Handler = (request: Request, context?: FunctionContext) => Promise<Response>;

export const functionsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../netlify/functions");

export interface LoadedFunction {
  /** The file name without `.ts`: Netlify's function name. */
  name: string;
  handler: Handler;
  paths: string[];
  /** Undefined: every method (Netlify's default). */
  methods: string[] | undefined;
  schedule: string | undefined;
  contract: RouteContract | undefined;
}

export interface RouteMatch {
  fn: LoadedFunction;
  params: Record<string, string | undefined>;
}

/** Imports every function module, in file-name order (the order the OpenAPI document relies on). */
export async function loadFunctions(dir = functionsDir): Promise<LoadedFunction[]> {
  const files = readdirSync(dir).filter((file) => file.endsWith(".ts")).sort();
  return Promise.all(
    files.map(async (file) => {
      const mod = await import(pathToFileURL(path.join(dir, file)).href);
      const config = mod.config ?? {};
      const toList = (value: unknown) => (value === undefined ? undefined : ([] as string[]).concat(value as string));
      return {
        name: file.replace(/\.ts$/, ""),
        handler: mod.default,
        paths: toList(config.path) ?? [],
        methods: toList(config.method)?.map((method) => method.toUpperCase()),
        schedule: config.schedule,
        contract: mod.contract,
      };
    }),
  );
}

/** Netlify path syntax: `:name` segments and a trailing `*`. */
export function matchPath(pattern: string, pathname: string): Record<string, string | undefined> | undefined {
  const want = pattern.split("/").filter(Boolean);
  const got = pathname.split("/").filter(Boolean);
  const params: Record<string, string | undefined> = {};
  for (let i = 0; i < want.length; i += 1) {
    const segment = want[i]!;
    if (segment === "*") return params;
    const value = got[i];
    if (value === undefined) return undefined;
    if (segment.startsWith(":")) {
      const decoded = safeDecode(value);
      if (decoded === undefined) return undefined;
      params[segment.slice(1)] = decoded;
    } else if (segment !== value) return undefined;
  }
  return got.length === want.length ? params : undefined;
}

/** A malformed escape (`%E0%A4%A`) matches nothing instead of throwing a URIError (a 500). */
function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

export type RouteResult = RouteMatch | { allow: string[] } | undefined;

/**
 * Exact paths win over parameterised ones, and both over wildcards. A path declared with other
 * methods answers `{ allow }` (a 405); wildcards (the CORS preflight's `/api/*`) never claim a path
 * for that, so an unknown path stays a 404.
 */
export function findRoute(functions: LoadedFunction[], method: string, pathname: string): RouteResult {
  const allow = new Set<string>();
  const candidates: (RouteMatch & { score: number })[] = [];
  for (const fn of functions) {
    for (const pattern of fn.paths) {
      const params = matchPath(pattern, pathname);
      if (!params) continue;
      const wildcard = pattern.endsWith("*");
      if (fn.methods && !fn.methods.includes(method)) {
        if (!wildcard) fn.methods.forEach((allowed) => allow.add(allowed));
        continue;
      }
      candidates.push({ fn, params, score: (wildcard ? 100 : 0) + pattern.split(":").length });
    }
  }
  candidates.sort((a, b) => a.score - b.score);
  const best = candidates[0];
  if (best) return { fn: best.fn, params: best.params };
  return allow.size > 0 ? { allow: [...allow].sort() } : undefined;
}
