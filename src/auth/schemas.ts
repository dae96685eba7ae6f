import * as v from "valibot";

// Request fields shared by the auth routes.

/** Trimmed; compared case-insensitively everywhere (the unique index is on lower(email)). */
export const emailSchema = v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(254), v.email("Must be an email address"));

/** Chosen at registration: length is what makes a password strong. The cap bounds hashing work. */
export const newPasswordSchema = v.pipe(
  v.string(),
  v.minLength(10, "Must be at least 10 characters"),
  v.maxLength(128, "Must be at most 128 characters"),
);

/** At login any stored password may be presented, including seeded ones, so only bounded. */
export const passwordSchema = v.pipe(v.string(), v.nonEmpty("Required"), v.maxLength(1024));

export const personNameSchema = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty("Required"),
  v.maxLength(100),
  v.regex(/^\P{Cc}*$/u, "Must not contain control characters"),
);

export const refreshTokenBody = v.strictObject({ refreshToken: v.pipe(v.string(), v.nonEmpty("Required"), v.maxLength(512)) });
