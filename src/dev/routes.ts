import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

// The local stand-in for Netlify's router: every function under netlify/functions at the path and
// method(s) its `config` declares; scheduled functions by name under /.netlify/functions/.

type Handler = (request: Request, context: { params: Record<string, string | undefined> }) => Promise<Response>;

export interface LoadedFunction {
  name: string;
  handler: Handler;
  paths: string[];
  methods: string[] | undefined;
  schedule: string | undefined;
}

export interface RouteMatch {
  fn: LoadedFunction;
  params: Record<string, string | undefined>;
}

export async function loadFunctions(dir: string): Promise<LoadedFunction[]> {
  const files = readdirSync(dir).filter((file) => file.endsWith(".ts")).sort();
  return Promise.all(
    files.map(async (file) => {
      const mod = await import(pathToFileURL(path.join(dir, file)).href);
      const config = mod.config ?? {};
      const toList = (value: unknown) => (value === undefined ? undefined : ([] as string[]).concat(value as string));
      return { name: file.replace(/\.ts$/, ""), handler: mod.default, paths: toList(config.path) ?? [], methods: toList(config.method), schedule: config.schedule };
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
    if (segment.startsWith(":")) params[segment.slice(1)] = decodeURIComponent(value);
    else if (segment !== value) return undefined;
  }
  return got.length === want.length ? params : undefined;
}

/** Exact paths win over parameterised ones, and both over wildcards. */
export function findRoute(functions: LoadedFunction[], method: string, pathname: string): RouteMatch | "method_not_allowed" | undefined {
  let pathMatched = false;
  const candidates: (RouteMatch & { score: number })[] = [];
  for (const fn of functions) {
    for (const pattern of fn.paths) {
      const params = matchPath(pattern, pathname);
      if (!params) continue;
      pathMatched = true;
      if (fn.methods && !fn.methods.includes(method)) continue;
      candidates.push({ fn, params, score: (pattern.includes("*") ? 2 : 0) + (pattern.includes(":") ? 1 : 0) });
    }
  }
  candidates.sort((a, b) => a.score - b.score);
  const best = candidates[0];
  if (best) return { fn: best.fn, params: best.params };
  return pathMatched ? "method_not_allowed" : undefined;
}
