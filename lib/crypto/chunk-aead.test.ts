import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openChunk, sealChunk } from "./chunk-aead";

const aad = (id: string, index: number, final: boolean) => Buffer.from(`test|${id}|${index}|${final ? 1 : 0}`);

describe("chunk AEAD (AES-256-GCM per chunk, counter nonce, caller's AAD)", () => {
  it("V11.3.3 round-trips a chunk and refuses it at another index, with other AAD, another key or one flipped bit", () => {
    const key = randomBytes(32);
    const plain = Buffer.from("statement line 1\nstatement line 2\n");
    const sealed = sealChunk(key, 3, aad("f1", 3, false), plain);
    expect(openChunk(key, 3, aad("f1", 3, false), sealed)).toEqual(plain);
    expect(openChunk(key, 4, aad("f1", 3, false), sealed)).toBeNull(); // moved
    expect(openChunk(key, 3, aad("f1", 3, true), sealed)).toBeNull(); // falsely final
    expect(openChunk(key, 3, aad("f2", 3, false), sealed)).toBeNull(); // another stream's
    expect(openChunk(randomBytes(32), 3, aad("f1", 3, false), sealed)).toBeNull();
    const flipped = Buffer.from(sealed);
    flipped[0]! ^= 1;
    expect(openChunk(key, 3, aad("f1", 3, false), flipped)).toBeNull();
    expect(openChunk(key, 3, aad("f1", 3, false), sealed.subarray(0, 10))).toBeNull(); // shorter than a tag
  });

  it("V11.3.4 gives each index its own nonce: equal plaintexts seal differently under one key", () => {
    const key = randomBytes(32);
    const plain = Buffer.alloc(64, 7);
    expect(sealChunk(key, 0, aad("f", 0, false), plain).equals(sealChunk(key, 1, aad("f", 0, false), plain))).toBe(false);
  });
});
