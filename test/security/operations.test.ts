/**
 * Operating the server among strangers: everything but health behind the token
 * (checked before a request body is read), drains that report what they cut,
 * unexpected errors logged with their stack and never sent, secrets kept out of
 * the process list.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { credentials, loadPackageDefinition, Metadata, type Client } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProto } from "grpc-health-check";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { EnvError, type EnvDefinition } from "../../adapters/contract.js";
import { corridorDefinition } from "../../adapters/example-corridor/definition.js";
import { EnvRegistry } from "../../adapters/registry.js";
import { EnvClient } from "../../agent/client/index.js";
import { rejection, startTestServer } from "../support/server.js";
import { rawClient, rawConnect, rawUnary } from "./raw-client.js";
import { until } from "../support/until.js";

type Unary = (req: unknown, cb: (err: (Error & { code?: number }) | null, res: unknown) => void) => void;

function healthClient(address: string): { check: Unary; close(): void } {
  const pkg = loadPackageDefinition(loadSync(healthProto, { enums: String })) as never as {
    grpc: { health: { v1: { Health: new (a: string, c: unknown) => Client } } };
  };
  return new pkg.grpc.health.v1.Health(address, credentials.createInsecure()) as never;
}

function healthStatus(address: string): Promise<string> {
  const health = healthClient(address);
  return new Promise<string>((resolve, reject) =>
    health.check({ service: "dynamind.env.v1.EnvService" }, (e, r) => {
      health.close();
      if (e) reject(e);
      else resolve((r as { status: string }).status);
    }),
  );
}

function reflectionListServices(address: string, metadata = new Metadata()): Promise<{ names?: string[]; code?: number }> {
  const path = join(process.cwd(), "node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto");
  const pkg = loadPackageDefinition(loadSync(path)) as never as { grpc: { reflection: { v1: { ServerReflection: new (a: string, c: unknown) => Client } } } };
  const stub = new pkg.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure()) as unknown as {
    serverReflectionInfo(md: Metadata): NodeJS.ReadWriteStream & { write(x: unknown): void };
    close(): void;
  };
  const call = stub.serverReflectionInfo(metadata);
  return new Promise((resolve) => {
    call.once("data", (r: { listServicesResponse?: { service: { name: string }[] } }) => {
      resolve({ names: r.listServicesResponse?.service.map((s) => s.name) });
      call.end();
      stub.close();
    });
    call.once("error", (err: { code: number }) => {
      resolve({ code: err.code });
      stub.close();
    });
    call.write({ listServices: "" });
  });
}

describe("with a token", () => {
  it("guards reflection and metrics too; health stays open", async () => {
    const secured = await startTestServer({ token: "s3cret", metricsPort: 0 });
    try {
      expect((await reflectionListServices(secured.server.address)).code).toBe(16);
      const md = new Metadata();
      md.set("authorization", "Bearer s3cret");
      expect((await reflectionListServices(secured.server.address, md)).names).toContain("dynamind.env.v1.EnvService");
      expect((await fetch(secured.server.metricsUrl!)).status).toBe(401);
      expect((await fetch(secured.server.metricsUrl!, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      const ok = await fetch(secured.server.metricsUrl!, { headers: { authorization: "Bearer s3cret" } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/dynamind_sessions/);
      expect(await healthStatus(secured.server.address)).toBe("SERVING");
    } finally {
      secured.client.close();
      await secured.server.stop(500);
    }
  });

  it("refuses a stranger before reading the request: undecodable bytes get UNAUTHENTICATED, not a decoding error", async () => {
    const secured = await startTestServer({ token: "s3cret" });
    const c = rawClient(secured.server.address);
    try {
      const status = await rawUnary(c, "Step", Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f]));
      expect([status.code, status.reason]).toEqual([16, "UNAUTHENTICATED"]);
    } finally {
      c.close();
      secured.client.close();
      await secured.server.stop(500);
    }
  });
});

describe("drain", () => {
  it("says NOT_SERVING while calls finish, refuses new sessions, serves existing ones, then cuts open streams with a reason", async () => {
    const t = await startTestServer();
    const s = await t.client.createSession("sokoban");
    await s.reset(1);
    const c = rawClient(t.server.address);
    const stream = rawConnect(c);
    stream.send(new Uint8Array([0x08, 0x01, 0x12, 0x00])); // request 1: ListEnvs, to open the stream
    await until(() => stream.replies.length === 1);
    const stopped = t.server.stop(1500);
    expect(await healthStatus(t.server.address)).toBe("NOT_SERVING");
    expect((await rejection(t.client.createSession("sokoban"))).reason).toBe("SHUTTING_DOWN");
    expect((await s.step("Up")).stepIndex).toBe(1);
    const status = await stream.status;
    expect([status.code, status.reason]).toEqual([14, "SHUTTING_DOWN"]);
    expect(status.details).toMatch(/drain period/);
    expect(await stopped).toEqual({ cut: 1 });
    c.close();
    t.client.close();
  });

  it("reports nothing cut when every call ended in time", async () => {
    const t = await startTestServer();
    await t.client.listEnvs();
    t.client.close();
    expect(await t.server.stop(1000)).toEqual({ cut: 0 });
  });

  it("makes `dynamind serve` exit non-zero when work was cut", async () => {
    const { address, child } = await serve(["--drain-seconds", "1"]);
    const c = rawClient(address);
    const stream = rawConnect(c);
    stream.send(new Uint8Array([0x08, 0x01, 0x12, 0x00]));
    await until(() => stream.replies.length === 1);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(1);
    c.close();
  });
});

describe("unexpected errors", () => {
  it("reach the client as an opaque INTERNAL with an incident id; the log has the message and stack", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    const broken: EnvDefinition = {
      ...(corridorDefinition as EnvDefinition),
      id: "broken",
      create: (config) => {
        const env = corridorDefinition.create(config as never);
        env.step = () => {
          throw new TypeError("cannot read /srv/secret/config.json");
        };
        return env;
      },
    };
    const registry = new EnvRegistry().register("broken", async () => broken);
    const t = await startTestServer({ registry, logger: pino({ level: "debug" }, sink) });
    try {
      const s = await t.client.createSession("broken");
      await s.reset(1);
      const err = await rejection(s.step("right"));
      expect([err.code, err.reason]).toEqual([13, "INTERNAL"]);
      expect(err.message).not.toMatch(/secret/);
      const incident = /incident ([0-9a-f]+)/.exec(err.message)![1]!;
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; incident?: string; err?: { stack?: string }; reason?: string });
      const internal = logged.find((l) => l.incident === incident)!;
      expect(internal.err?.stack).toMatch(/cannot read \/srv\/secret\/config.json/);
      // Refused calls are logged at debug, with their reason.
      await rejection(s.step(99));
      expect(logged.length).toBeGreaterThan(0);
      await until(() => lines.some((l) => l.includes('"reason":"INVALID_ACTION"')));
    } finally {
      t.client.close();
      await t.server.stop(500);
    }
  });
});

describe("an environment the server lacks a program for", () => {
  it("refuses its sessions with UNSUPPORTED and the environment's reason, before any work; other environments are unaffected", async () => {
    let installed = false;
    let created = 0;
    const needsTool: EnvDefinition = {
      ...(corridorDefinition as EnvDefinition),
      id: "needs-tool",
      create: (config) => {
        created++;
        return corridorDefinition.create(config as never);
      },
      unavailable: () => (installed ? undefined : "the tool is not installed (the operator installs it)"),
    };
    const registry = new EnvRegistry().register("needs-tool", async () => needsTool).register("example-corridor", async () => corridorDefinition as EnvDefinition);
    const t = await startTestServer({ registry });
    try {
      const err = await rejection(t.client.createSession("needs-tool"));
      expect([err.code, err.reason]).toEqual([12, "UNSUPPORTED"]);
      expect(err.message).toMatch(/needs-tool cannot run on this server: the tool is not installed/);
      expect(created).toBe(0);
      expect(await t.client.listEnvs()).toHaveLength(2);
      const other = await t.client.createSession("example-corridor");
      await other.reset(1);
      // Checked on every call, not once at start: installing the program while the server runs is enough.
      installed = true;
      const s = await t.client.createSession("needs-tool");
      await s.reset(1);
      expect(created).toBe(1);
    } finally {
      t.client.close();
      await t.server.stop(500);
    }
  });
});

describe("secrets", () => {
  it("`serve --token-file` reads the token from a file; a token flag on the command line is warned about", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamind-token-"));
    writeFileSync(join(dir, "token"), "from-a-file\n");
    const { address, child } = await serve(["--token-file", join(dir, "token")]);
    try {
      const anon = new EnvClient(address);
      expect((await rejection(anon.listEnvs())).reason).toBe("UNAUTHENTICATED");
      anon.close();
      const ok = new EnvClient({ addresses: address, token: "from-a-file" });
      expect((await ok.listEnvs()).length).toBeGreaterThan(0);
      ok.close();
    } finally {
      child.kill("SIGTERM");
    }
    const flagged = await serve(["--token", "on-the-command-line"]);
    flagged.child.kill("SIGTERM");
    expect(flagged.logs.some((l) => /visible to every user in the process list/.test(l))).toBe(true);
  });
});

/** Starts `dynamind serve` on a free port; resolves once it listens. */
async function serve(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/dynamind.ts", "serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: "info", DYNAMIND_TOKEN: "" },
  });
  const logs: string[] = [];
  const address = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on("line", (line) => {
      logs.push(line);
      try {
        const rec = JSON.parse(line) as { address?: string };
        if (rec.address) resolve(rec.address);
      } catch {
        // not a log line
      }
    });
    child.once("exit", (code) => reject(new Error(`serve exited early with ${code}: ${logs.join("\n").slice(-1000)}`)));
  });
  return { address, child, logs };
}

void EnvError;
