import { sql, type SQL } from "drizzle-orm";

// Arrays as ONE bound parameter (drizzle would otherwise expand a JS array into a list of them).

export function intArray(values: readonly number[]): SQL {
  if (!values.every(Number.isSafeInteger)) throw new Error("intArray takes integers only");
  return sql`${`{${values.join(",")}}`}::int[]`;
}

export function textArray(values: readonly string[]): SQL {
  const quoted = values.map((value) => `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`);
  return sql`${`{${quoted.join(",")}}`}::text[]`;
}
