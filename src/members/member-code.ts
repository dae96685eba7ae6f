import { randomInt } from "node:crypto";

/** Crockford base32 without I, L, O, U: easy to read aloud and type. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 8;

/** A random public referral code (32^8 ≈ 10^12 codes): never a guessable sequence. */
export function newMemberCode(): string {
  let code = "";
  for (let i = 0; i < LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}
