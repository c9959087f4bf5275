/** The backend probe's one line: the backend chosen, and which were not installed (not an error). */
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { backendChain, describeProbe, selectBackend } from "../../../agent/model/backend.js";

describe("the backend probe", () => {
  it("logs one line naming the chosen backend and the packages that are not installed, without their import errors", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const name = await selectBackend({ prefer: "auto", logger: pino({ level: "info" }, sink) });
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]!) as { msg: string; backend: string; absent: string[]; failed: string[] };
    expect(rec.backend).toBe(name);
    expect(rec.msg).toMatch(new RegExp(`^tensorflow\\.js backend: ${name}`));
    expect(rec.msg).not.toMatch(/Cannot find package|ERR_MODULE_NOT_FOUND/);
    for (const pkg of rec.absent) expect(pkg).toMatch(/^@tensorflow\/tfjs-node(-gpu)?$/);
  });

  it("keeps packages that are present but fail apart from absent ones", () => {
    expect(describeProbe({ absent: ["@tensorflow/tfjs-node-gpu"], failed: ["node: libtensorflow.so: cannot open"] })).toBe(
      "not installed: @tensorflow/tfjs-node-gpu; failed: node: libtensorflow.so: cannot open",
    );
    expect(describeProbe({ absent: [], failed: [] })).toBe("");
  });

  it("takes the native CPU backend automatically for training only; naming it forces it", () => {
    expect(backendChain("auto", "train")).toEqual(["gpu", "node", "wasm", "cpu"]);
    expect(backendChain("auto", "generate")).toEqual(["gpu", "wasm", "cpu"]);
    expect(backendChain("auto")).toEqual(["gpu", "wasm", "cpu"]);
    expect(backendChain("node", "generate")).toEqual(["node", "wasm", "cpu"]);
    expect(backendChain("wasm", "train")).toEqual(["wasm", "cpu"]);
    expect(() => backendChain("tpu" as never)).toThrow(/unknown backend "tpu"/);
  });
});
