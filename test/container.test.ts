/**
 * The container recipe, checked without a Docker engine (none runs on CI machines): the Dockerfile's
 * user, health check, Chromium and COPY sources, and the health-check script against a real server.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { copiedPaths, copyProblems, dockerInstructions } from "./support/dockerfile.js";
import { useTestServer } from "./support/server.js";

const exec = promisify(execFile);
const ctx = useTestServer();

const steps = dockerInstructions(readFileSync("Dockerfile", "utf8"));

describe("the Dockerfile", () => {
  it("runs as a non-root user from before its entry point to the end", () => {
    const users = steps.map(([kw, args], i) => [kw, args, i] as const).filter(([kw]) => kw === "USER");
    expect(users.length).toBeGreaterThan(0);
    const [, user, at] = users.at(-1)!;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(at).toBeLessThan(steps.findIndex(([kw]) => kw === "ENTRYPOINT"));
    // The user is created in a RUN before it is used.
    expect(steps.slice(0, at).some(([kw, args]) => kw === "RUN" && args.includes(`useradd`) && args.includes(user))).toBe(true);
  });

  it("declares a HEALTHCHECK through the gRPC health service and installs Chromium for android-web", () => {
    const health = steps.find(([kw]) => kw === "HEALTHCHECK");
    expect(health?.[1]).toMatch(/CMD \["node", "scripts\/healthcheck\.mjs"/);
    expect(steps.some(([kw, args]) => kw === "RUN" && /apt-get install[^&]*\bchromium\b/.test(args))).toBe(true);
    expect(steps.find(([kw]) => kw === "ENTRYPOINT")?.[1]).toBe('["node", "bin/dynamind.js", "serve"]');
  });

  it("COPYs only paths that exist and are not excluded by .dockerignore, including every folder the build compiles", () => {
    const copied = copiedPaths(steps);
    expect(copyProblems(copied)).toEqual([]);
    const build = JSON.parse(readFileSync("tsconfig.build.json", "utf8")) as { include: string[] };
    for (const dir of build.include) expect(copied, `the build compiles ${dir}/`).toContain(dir);
    // npm install builds the workspaces too (the "build" script compiles packages/client).
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { workspaces?: string[] };
    for (const ws of pkg.workspaces ?? []) expect(copied.some((c) => ws === c || ws.startsWith(`${c}/`)), `the workspace ${ws}`).toBe(true);
    for (const file of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "bin", "proto"]) expect(copied).toContain(file);
  });
});

describe("scripts/healthcheck.mjs", () => {
  it("exits 0 with SERVING against a running server", async () => {
    const { stdout } = await exec(process.execPath, ["scripts/healthcheck.mjs", ctx.server.address]);
    expect(stdout.trim()).toBe("SERVING");
    const env = await exec(process.execPath, ["scripts/healthcheck.mjs", ctx.server.address, "dynamind.env.v1.EnvService"]);
    expect(env.stdout.trim()).toBe("SERVING");
  });

  it("exits 1 where nothing listens", async () => {
    await expect(exec(process.execPath, ["scripts/healthcheck.mjs", "127.0.0.1:1"])).rejects.toMatchObject({ code: 1 });
  });
});
