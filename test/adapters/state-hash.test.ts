/**
 * State fingerprints are compared across processes, servers and versions (search
 * de-duplication, recordings), so their values are pinned here: a faster way to
 * write them must give the same 16 hex digits.
 */
import { describe, expect, it } from "vitest";
import { hashBytes, hashString } from "../../adapters/kit/hash.js";

describe("state fingerprints", () => {
  it("keep their published values", () => {
    expect(hashBytes(new Uint8Array(0))).toBe("8cc3760241fe7085");
    expect(hashBytes(Uint8Array.from([1, 2, 3]))).toBe("5ebdad8574860801");
    expect(hashBytes(Uint8Array.from({ length: 36 }, (_, i) => (i * 37) & 255), 7)).toBe("04d6a31709aef1f7");
    expect(hashBytes(Uint8Array.from({ length: 100 }, (_, i) => 255 - i), -1)).toBe("31971ea34b86db24");
    expect(hashString("")).toBe("8cc3760241fe7085");
    expect(hashString("######\n#P___#")).toBe("1200d2f2e333153e");
    expect(hashString("√ é 😀", 3)).toBe("d1eaac4fa67426ce");
  });

  it("are 16 lowercase hex digits, each call its own string", () => {
    const a = hashBytes(Uint8Array.from([9]));
    const b = hashBytes(Uint8Array.from([10]));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toMatch(/^[0-9a-f]{16}$/);
    expect(a).not.toBe(b);
    expect(hashBytes(Uint8Array.from([9]))).toBe(a);
  });
});
