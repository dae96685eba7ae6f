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

export function bigintArray(values: readonly number[]): SQL {
  if (!values.every(Number.isSafeInteger)) throw new Error("bigintArray takes integers only");
  return sql`${`{${values.join(",")}}`}::bigint[]`;
}

/** Exact decimals (decimal.js strings), never JS floats. */
export function numericArray(values: readonly string[]): SQL {
  if (!values.every((value) => /^-?\d+(\.\d+)?$/.test(value))) throw new Error("numericArray takes decimal strings only");
  return sql`${`{${values.join(",")}}`}::numeric[]`;
}
