/**
 * The README's server figures are the ones in bench/results/server.json: the block
 * between the markers is what bench/readme-table.ts makes from the file.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { num, readBlock, serverFiguresBlock, withBlock } from "../../bench/readme-table.js";

describe("README server figures", () => {
  it("agree with bench/results/server.json (rerun `npx tsx bench/readme-table.ts --write` after the bench)", () => {
    const report = JSON.parse(readFileSync("bench/results/server.json", "utf8"));
    expect(readBlock(readFileSync("README.md", "utf8"))).toBe(serverFiguresBlock(report));
  });

  it("show the plain BatchStep before the lean, stream and multi-caller cases", () => {
    const block = readBlock(readFileSync("README.md", "utf8"));
    const at = (s: string) => block.indexOf(s);
    expect(at("`BatchStep` of 256 sessions, default observation, one call in flight")).toBeGreaterThan(0);
    expect(at("`BatchStep` of 256 sessions, default observation")).toBeLessThan(at("lean options"));
    expect(at("lean options")).toBeLessThan(at("inside a `Connect` stream"));
    expect(at("every node's observation, one caller")).toBeLessThan(at("with 4 callers"));
  });

  it("replace only the block between the markers", () => {
    const readme = readFileSync("README.md", "utf8");
    const swapped = withBlock(readme, "X");
    expect(readBlock(swapped)).toBe("X");
    expect(swapped.slice(0, readme.indexOf("<!-- server-figures:begin"))).toBe(readme.slice(0, readme.indexOf("<!-- server-figures:begin")));
  });

  it("write thousands and millions as k and M", () => {
    expect([num(950), num(1234), num(51_234), num(1_234_567)]).toEqual(["950", "1.23 k", "51.2 k", "1.23 M"]);
  });
});
