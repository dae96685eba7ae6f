/** A PostgreSQL error as the drivers report it, found through drizzle's wrapping (`cause`). */
interface PgError extends Error {
  code?: string;
  constraint?: string;
}

/**
 * The constraint an integrity violation (SQLSTATE class 23: unique, check, foreign key, exclusion)
 * broke, or undefined for any other error. Lets the core turn a constraint that made a race
 * impossible into the business error the losing request deserves.
 */
export function violatedConstraint(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const pgError = current as PgError;
    if (pgError.code?.startsWith("23")) return pgError.constraint;
  }
  return undefined;
}
