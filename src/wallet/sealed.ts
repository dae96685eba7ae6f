import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { env } from "../config/env";

// Bank details at rest: AES-256-GCM under DATA_ENCRYPTION_KEY (64 hex characters = 32 bytes).
// Every sealed value records the id of the key that sealed it, so a rotation can find the rows
// still sealed under the old key and re-seal them. The associated data binds a ciphertext to its
// row's owner: one member's sealed account copied onto another's row does not open.

const IV_BYTES = 12;

function dataKey(): Buffer {
  const hex = env().DATA_ENCRYPTION_KEY;
  if (!hex) throw new Error("DATA_ENCRYPTION_KEY is not set");
  return Buffer.from(hex, "hex");
}

/** Subkeys per purpose (HKDF), so the encryption key itself is never used for anything else. */
const subkey = (purpose: string) => Buffer.from(hkdfSync("sha256", dataKey(), Buffer.alloc(0), `nnprotect:${purpose}`, 32));

/** A public, stable name of the current key: reveals nothing about it. */
export const currentKeyId = () => createHmac("sha256", subkey("key-id")).update("key-id").digest("hex").slice(0, 16);

export interface Sealed {
  sealed: string;
  keyId: string;
}

export function seal(plaintext: string, context: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", dataKey(), iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { sealed: [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64")).join("."), keyId: currentKeyId() };
}

/** Opens a sealed value; throws if it was sealed under another key, for another context, or altered. */
export function unseal(value: Sealed, context: string): string {
  if (value.keyId !== currentKeyId()) throw new Error(`sealed under key ${value.keyId}, which is not the current key`);
  const [iv, tag, ciphertext] = value.sealed.split(".").map((part) => Buffer.from(part, "base64"));
  if (!iv || !tag || !ciphertext) throw new Error("malformed sealed value");
  const decipher = createDecipheriv("aes-256-gcm", dataKey(), iv);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
}

/** A keyed hash to recognise the same value twice without storing it in clear. */
export const fingerprint = (value: string) => createHmac("sha256", subkey("fingerprint")).update(value).digest("hex");
