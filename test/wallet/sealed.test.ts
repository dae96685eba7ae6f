import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resetEnv } from "../../src/config/env";
import { currentKeyId, fingerprint, seal, unseal } from "../../src/wallet/sealed";

describe("bank details sealed with AES-256-GCM under DATA_ENCRYPTION_KEY", () => {
  it("opens what it sealed, with a fresh IV each time", () => {
    const first = seal('{"clabe":"002010077777777771"}', "ctx");
    const second = seal('{"clabe":"002010077777777771"}', "ctx");
    expect(first.sealed).not.toBe(second.sealed);
    expect(first.sealed).not.toContain("0020100777");
    expect(unseal(first, "ctx")).toBe('{"clabe":"002010077777777771"}');
  });

  it("refuses an altered ciphertext, another context, and another key", () => {
    const sealed = seal("secret", "ctx");
    const [iv, tag, body] = sealed.sealed.split(".");
    const flipped = Buffer.from(body!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => unseal({ ...sealed, sealed: [iv, tag, flipped.toString("base64")].join(".") }, "ctx")).toThrow();
    expect(() => unseal(sealed, "other")).toThrow();
    const keyId = currentKeyId();
    process.env.DATA_ENCRYPTION_KEY = "ab".repeat(32);
    resetEnv();
    try {
      expect(currentKeyId()).not.toBe(keyId);
      expect(() => unseal(sealed, "ctx")).toThrow(/not the current key/);
    } finally {
      process.env.DATA_ENCRYPTION_KEY = "0f".repeat(32);
      resetEnv();
    }
  });

  it("fingerprints are stable and keyed (no plain hash of a bank number)", () => {
    expect(fingerprint("MX:002010077777777771")).toBe(fingerprint("MX:002010077777777771"));
    expect(fingerprint("MX:002010077777777771")).not.toBe(fingerprint("MX:002010077777777772"));
    expect(fingerprint("MX:002010077777777771")).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint("MX:002010077777777771")).not.toBe(createHash("sha256").update("MX:002010077777777771").digest("hex"));
  });
});
