/**
 * Client input never chooses what the server's operator chooses. Over a real gRPC
 * server, an attacker's session configs try every field that once named a path, a
 * URL, a program or a device; each must be INVALID_ARGUMENT with a short message
 * that quotes no file and shows no server path, and must have no side effect. Data
 * sets the operator grants are played by name, and a FIFO or a link out of a data
 * root neither blocks the server nor leaks.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EnvClient } from "../../agent/client/index.js";
import { sokobanDefinition } from "../../adapters/sokoban/definition.js";
import { alfworldDefinition } from "../../adapters/alfworld/definition.js";
import { appiumDefinition } from "../../adapters/android/appium/definition.js";
import { HEAT_SPEC, writeGame } from "../alfworld/game-fixture.js";
import { HAVE_REF, REF_DIR } from "../alfworld/helpers.js";
import { rejection, useTestServer } from "../support/server.js";

const INVALID_ARGUMENT = 3;
const SECRET = "SECRET-CONTENT-51c9";

const tmp = mkdtempSync(join(tmpdir(), "dynamind-injection-"));
const outside = join(tmp, "outside");
mkdirSync(outside);
// Valid levels outside every data root: if a link to them were followed, they would load.
writeFileSync(join(outside, "secret.txt"), `; ${SECRET}\n#######\n#@$  .#\n#######\n`);
const marker = join(tmp, "adb-ran");
const evilAdb = join(tmp, "evil-adb.sh");
writeFileSync(evilAdb, `#!/bin/sh\ntouch ${marker}\n`);
chmodSync(evilAdb, 0o755);

// The operator's data: a level directory with a FIFO and links out of it; a set whose file becomes a FIFO later.
const LEVELS = ["; 0", "#######", "#@$  .#", "#######", "", "; 1", "#######", "#. $ @#", "#######", "", "; 2", "#######", "# @$. #", "#######", ""].join("\n");
const levels = join(tmp, "data", "levels");
mkdirSync(levels, { recursive: true });
writeFileSync(join(levels, "a.txt"), LEVELS);
execFileSync("mkfifo", [join(levels, "fifo.txt")]);
symlinkSync(join(outside, "secret.txt"), join(levels, "escape.txt"));
symlinkSync(outside, join(levels, "escape-dir"));
const swap = join(tmp, "data", "swap");
mkdirSync(swap);
writeFileSync(join(swap, "a.txt"), LEVELS);
const games = join(tmp, "data", "games");
mkdirSync(games);
if (HAVE_REF) writeGame(join(games, "pick_heat_then_place_in_recep-Apple-None-DiningTable-1", "trial_T1"), HEAT_SPEC, "put a hot apple in diningtable");
const gameSwap = join(tmp, "data", "game-swap");
mkdirSync(gameSwap);
writeFileSync(join(gameSwap, "game.tw-pddl"), "{}");

const ctx = useTestServer({ resources: { data: { levels, swap, games, "game-swap": gameSwap } } });

// A web server the attacker would like the env server to contact.
let http: Server;
let hits = 0;
let httpUrl = "";
beforeAll(async () => {
  http = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: { sessionId: "pwned", capabilities: {} } }));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => http.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

/** Asserts a rejection is INVALID_ARGUMENT, short, and reveals nothing of the server's files (it may echo the name given, cut short). */
function expectSafeRejection(err: { code: number; reason: string; message: string }): void {
  expect(err.code).toBe(INVALID_ARGUMENT);
  expect(err.reason).toBe("INVALID_ARGUMENT");
  expect(Buffer.byteLength(err.message)).toBeLessThanOrEqual(1024);
  for (const leak of [tmp, SECRET, "root:x:0", "/bin/bash"]) expect(err.message).not.toContain(leak);
}

/** Creates a session (and resets it, if creation was wrongly accepted) and returns the rejection. */
async function attack(client: EnvClient, env: string, config: Record<string, unknown>) {
  return rejection(
    (async () => {
      const s = await client.createSession(env, { config });
      await s.reset(0);
    })(),
  );
}

describe("fields that named server resources are gone from session configs", () => {
  const attacks: [string, Record<string, unknown>][] = [
    ["sokoban", { boxoban_path: "/etc" }],
    ["sokoban", { boxoban_path: "/etc/passwd" }],
    ["alfworld", { game_file: "/etc/passwd" }],
    ["alfworld", { game_dir: "/usr" }],
    ["android-appium", { adb_path: "/bin/touch" }],
    ["android-appium", { adb_path: evilAdb, appium_url: "http://127.0.0.1:1", serial: "emulator-5554" }],
    ["android-appium", { serial: "emulator-5554" }],
    ["android-appium", { pool_index: 0, pool_state: "/etc/passwd" }],
    ["android-appium", { capabilities: { "appium:app": "/tmp/evil.apk", "appium:chromedriverExecutable": "/bin/sh" } }],
    ["android-appium", { reset_snapshot: "../../x" }],
    ["android-appium", { adb_server_port: 22 }],
    ["android-appium", { system_port: 22, mjpeg_server_port: 22, chromedriver_port: 22 }],
  ];
  for (const [env, config] of attacks) {
    it(`${env} ${JSON.stringify(config)} is INVALID_ARGUMENT`, async () => {
      const err = await attack(ctx.client, env, config);
      expectSafeRejection(err);
      expect(err.message).toMatch(/unknown field|Unrecognized key/);
    });
  }

  it("appium_url makes the server contact nothing", async () => {
    for (const config of [{ appium_url: httpUrl }, { appium_url: httpUrl, serial: "emulator-5554" }, { appium_url: httpUrl, pool_index: 0 }]) {
      expectSafeRejection(await attack(ctx.client, "android-appium", config));
    }
    expect(hits).toBe(0);
  });

  it("adb_path runs nothing", () => {
    expect(existsSync(marker)).toBe(false);
  });
});

describe("names that are not the operator's", () => {
  const names: unknown[] = ["/etc", "/etc/passwd", "../levels", "levels/../../outside", "levels/a.txt", "./levels", "x".repeat(60_000), "", 5, ["levels"], { path: "/etc" }, null];
  for (const [env, field] of [
    ["sokoban", "levels"],
    ["alfworld", "games"],
    ["android-appium", "device"],
  ] as const) {
    it(`${env} ${field}: paths, ../, a 60k-character name and non-strings are INVALID_ARGUMENT listing valid names`, async () => {
      for (const name of names) {
        const err = await attack(ctx.client, env, { [field]: name });
        expectSafeRejection(err);
        expect(err.message).toMatch(new RegExp(`${field} .*is not a name the server's operator granted`));
      }
      // Configs past 64 KiB are refused before any parsing.
      const huge = await attack(ctx.client, env, { [field]: "x".repeat(100_000) });
      expectSafeRejection(huge);
      expect(huge.message).toMatch(/config_json is longer than 65536 characters/);
    });
  }

  it("long unknown fields and values are cut short in messages", async () => {
    const long = "k".repeat(100_000);
    for (const env of ["sokoban", "alfworld", "android-appium", "android-web"]) {
      expectSafeRejection(await attack(ctx.client, env, { [long]: 1, [`${long}2`]: 2 }));
      expectSafeRejection(await attack(ctx.client, env, { task: long, task_type: long, preset: long }));
    }
  });

  it("lists the granted names, cut short, never their paths", async () => {
    const err = await attack(ctx.client, "sokoban", { levels: "y".repeat(60_000) });
    expect(err.message).toContain("valid: levels, swap");
    expect(err.message).toContain(`"${"y".repeat(64)}…"`);
    expect(err.message).not.toContain(levels);
  });

  it("a data set of the wrong kind is not offered (sokoban cannot read the game set)", async () => {
    expectSafeRejection(await attack(ctx.client, "sokoban", { levels: "game-swap" }));
    expectSafeRejection(await attack(ctx.client, "alfworld", { games: "levels" }));
  });

  it("reset options take indices, not paths", async () => {
    const s = await ctx.client.createSession("sokoban", { config: { levels: "levels" } });
    expectSafeRejection(await rejection(s.reset(0, { level: "/etc/passwd" })));
    expectSafeRejection(await rejection(s.reset(0, { path: "/etc/passwd" })));
    await s.close();
  });
});

describe("operator data sets, played by name", () => {
  it("the config schema lists the granted names so clients can discover them", async () => {
    const specs = await ctx.client.listEnvs();
    const schema = (id: string) => JSON.parse(specs.find((s) => s.id === id)!.configSchema) as { properties: Record<string, { enum?: string[] }> };
    expect(schema("sokoban").properties.levels!.enum).toEqual(["levels", "swap"]);
    expect(schema("alfworld").properties.games!.enum).toEqual(HAVE_REF ? ["game-swap", "games"] : ["game-swap"]);
    // Without resources the definitions still describe themselves.
    for (const d of [sokobanDefinition, alfworldDefinition, appiumDefinition]) expect(d.describe(undefined).configSchema).toBeTypeOf("object");
  });

  it("sokoban plays the data set's levels, and only those inside the root (no FIFO, no link out)", async () => {
    const s = await ctx.client.createSession("sokoban", { config: { levels: "levels" } });
    expect(s.spec.description).toContain("data set levels (3 levels;");
    const first = await s.reset(3);
    expect(first.info).toMatchObject({ level: 0 });
    expect(first.observation.text).toBe("#######\n#PX__O#\n#######");
    const last = await s.reset(0, { level: 2 });
    expect(last.observation.text).toBe("#######\n#_PXO_#\n#######");
    expect(JSON.stringify(last.info)).not.toContain(SECRET);
    expectSafeRejection(await rejection(s.reset(0, { level: 3 })));
    await s.close();
  });

  it("a data-set file swapped for a FIFO is refused at once while another client is served", async () => {
    rmSync(join(swap, "a.txt"));
    execFileSync("mkfifo", [join(swap, "a.txt")]);
    // Were the server to open the FIFO, it would block its only thread and neither call would finish.
    const victim = attack(ctx.client, "sokoban", { levels: "swap" });
    const other = (async () => {
      const s = await ctx.client.createSession("sokoban", { config: { preset: "6x6-1box", report_optimal: false } });
      const step = await s.reset(1);
      await s.close();
      return step;
    })();
    const hung = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the server did not answer within 30 s")), 30_000).unref());
    const [err, served] = await Promise.race([Promise.all([victim, other]), hung]);
    expectSafeRejection(err);
    expect(err.message).toBe('data set "swap", file a.txt: is not a regular file');
    expect(served.observation.text.length).toBeGreaterThan(0);
  });

  it("an ALFWorld game file swapped for a FIFO fails its reset at once", async () => {
    const s = await ctx.client.createSession("alfworld", { config: { games: "game-swap" } });
    rmSync(join(gameSwap, "game.tw-pddl"));
    execFileSync("mkfifo", [join(gameSwap, "game.tw-pddl")]);
    const hung = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the server did not answer within 30 s")), 30_000).unref());
    const err = await Promise.race([rejection(s.reset(0)), hung]);
    expectSafeRejection(err);
    expect(err.message).toBe('data set "game-swap", file game.tw-pddl: is not a regular file');
    await s.close();
  });

  it.skipIf(!HAVE_REF)("alfworld plays the data set's games", async () => {
    if (!HAVE_REF) console.warn(`skipping: no ALFWorld reference under ${REF_DIR}`);
    const s = await ctx.client.createSession("alfworld", { config: { games: "games" } });
    const first = await s.reset(0);
    expect(first.info).toMatchObject({ task_type: "pick_heat_then_place_in_recep", game_file: "games/pick_heat_then_place_in_recep-Apple-None-DiningTable-1/trial_T1/game.tw-pddl" });
    expect(first.observation.text).toMatch(/^-= Welcome to TextWorld, ALFRED! =-/);
    await s.close();
  });
});
