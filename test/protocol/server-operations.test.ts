/** Running the server for real: health, reflection, metrics, auth, TLS, limits, reaping, draining, signals. */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { credentials, loadPackageDefinition, type Client } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { protoPath as healthProto } from "grpc-health-check";
import { describe, expect, it } from "vitest";
import { EnvClient, routeOf } from "../../agent/client/index.js";
import { families, lintMetrics } from "../support/prometheus-lint.js";
import { rejection, startTestServer, useTestServer } from "../support/server.js";
import { consecutiveFreePorts } from "../support/ports.js";

const ctx = useTestServer({ metricsPort: 0 });

type Unary = (req: unknown, cb: (err: Error | null, res: unknown) => void) => void;

describe("health and reflection", () => {
  it("reports SERVING for the server and for EnvService", async () => {
    const pkg = loadPackageDefinition(loadSync(healthProto, { enums: String })) as never as { grpc: { health: { v1: { Health: new (a: string, c: unknown) => Client } } } };
    const health = new pkg.grpc.health.v1.Health(ctx.server.address, credentials.createInsecure()) as unknown as { check: Unary; close(): void };
    for (const service of ["", "dynamind.env.v1.EnvService"]) {
      const res = await new Promise<{ status: string }>((resolve, reject) => health.check({ service }, (e, r) => (e ? reject(e) : resolve(r as never))));
      expect(res.status).toBe("SERVING");
    }
    health.close();
  });

  it("describes EnvService through server reflection (what grpcurl uses)", async () => {
    const path = join(process.cwd(), "node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto");
    const pkg = loadPackageDefinition(loadSync(path)) as never as {
      grpc: { reflection: { v1: { ServerReflection: new (a: string, c: unknown) => Client } } };
    };
    const stub = new pkg.grpc.reflection.v1.ServerReflection(ctx.server.address, credentials.createInsecure()) as unknown as {
      serverReflectionInfo(): NodeJS.ReadWriteStream & { write(x: unknown): void };
      close(): void;
    };
    const call = stub.serverReflectionInfo();
    const reply = new Promise<{ listServicesResponse?: { service: { name: string }[] } }>((resolve) => call.once("data", resolve));
    call.write({ listServices: "" });
    const names = (await reply).listServicesResponse!.service.map((s) => s.name);
    expect(names).toContain("dynamind.env.v1.EnvService");
    expect(names).toContain("grpc.health.v1.Health");
    call.end();
    stub.close();
  });
});

describe("metrics", () => {
  it("exports sessions, steps, latencies and held states in Prometheus format", async () => {
    const s = await ctx.client.createSession("sokoban");
    await s.reset(1);
    await s.step("Up");
    await s.clone();
    const text = await (await fetch(ctx.server.metricsUrl!)).text();
    expect(text).toMatch(/dynamind_sessions\{env="sokoban"\} [1-9]/);
    expect(text).toMatch(/dynamind_env_steps_total [1-9]/);
    expect(text).toMatch(/dynamind_rpc_duration_seconds_bucket\{le="0.001",method="Step"\}/);
    expect(text).toMatch(/dynamind_states_held [1-9]/);
  });

  it("follows Prometheus naming (promtool check metrics), with the process metrics under their standard names", async () => {
    const text = await (await fetch(ctx.server.metricsUrl!)).text();
    const names = families(text).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds"]));
    expect(names.filter((n) => !/^(dynamind|process|nodejs)_/.test(n))).toEqual([]);
    expect(lintMetrics(text)).toEqual([]);
    const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (promtool.error) {
      console.warn("promtool is not installed (apt-get install prometheus): only the built-in copy of its naming rules was checked");
      return;
    }
    expect(`${promtool.stdout}${promtool.stderr}`.trim()).toBe("");
    expect(promtool.status).toBe(0);
  });

  it("the naming check catches what promtool refused before (gauges named _total, a prefix written twice)", () => {
    const old = [
      "# HELP nodejs_active_handles_total Total number of active handles.", "# TYPE nodejs_active_handles_total gauge",
      "# HELP dynamind_process_process_cpu_seconds_total CPU time.", "# TYPE dynamind_process_process_cpu_seconds_total counter",
      "# HELP x_steps Steps.", "# TYPE x_steps counter",
      "# HELP x_wait_milliseconds Wait.", "# TYPE x_wait_milliseconds histogram",
    ].join("\n");
    expect(lintMetrics(old)).toEqual([
      'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
      'dynamind_process_process_cpu_seconds_total repeats "process" (a prefix applied twice)',
      'x_steps counter metrics should have "_total" suffix',
      'x_wait_milliseconds use base unit "seconds" instead of "milliseconds"',
    ]);
  });
});

describe("authentication", () => {
  it("requires the bearer token on EnvService calls and streams", async () => {
    const secured = await startTestServer({ token: "s3cret" });
    try {
      expect((await secured.client.listEnvs()).length).toBeGreaterThan(0);
      for (const token of [undefined, "wrong"]) {
        const anon = new EnvClient({ addresses: secured.server.address, token });
        const err = await rejection(anon.listEnvs());
        expect([err.code, err.reason]).toEqual([16, "UNAUTHENTICATED"]);
        await expect(anon.stream().request({ $case: "listEnvs", listEnvs: {} })).rejects.toMatchObject({ code: 16 });
        anon.close();
      }
    } finally {
      secured.client.close();
      await secured.server.stop(500);
    }
  });
});

describe("TLS", () => {
  it("serves over TLS with a given certificate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dynamind-tls-"));
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    const cert = readFileSync(join(dir, "cert.pem"));
    const server = await startTestServer({ tls: { cert, key: readFileSync(join(dir, "key.pem")) } });
    try {
      const client = new EnvClient({ addresses: server.server.address, tlsRootCert: cert });
      const s = await client.createSession("sokoban");
      expect((await s.reset(1)).observation.text).toContain("P");
      client.close();
      const plain = new EnvClient(server.server.address);
      expect((await rejection(plain.listEnvs())).code).toBe(14);
      plain.close();
    } finally {
      server.client.close();
      await server.server.stop(500);
    }
  });
});

describe("limits and housekeeping", () => {
  it("caps sessions with a retryable CAPACITY error", async () => {
    const capped = await startTestServer({ limits: { maxSessions: 2 } });
    try {
      const a = await capped.client.createSession("sokoban");
      await capped.client.createSession("sokoban");
      const err = await rejection(capped.client.createSession("sokoban"));
      expect([err.code, err.reason, err.retryable]).toEqual([8, "CAPACITY", true]);
      await a.close();
      await capped.client.createSession("sokoban");
    } finally {
      capped.client.close();
      await capped.server.stop(500);
    }
  });

  it("reaps idle sessions by default-on housekeeping", async () => {
    // Which sessions the reaper picks is tested with an injected clock (test/security/memory.test.ts);
    // here only that housekeeping runs by itself, with a generous bound.
    const reaping = await startTestServer({ limits: { idleTimeoutMs: 100 }, sweepIntervalMs: 30 });
    try {
      const idle = await reaping.client.createSession("sokoban");
      const end = Date.now() + 20_000;
      while (reaping.server.engine.sessions.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect((await rejection(idle.reset(1))).reason).toBe("SESSION_NOT_FOUND");
    } finally {
      reaping.client.close();
      await reaping.server.stop(500);
    }
  });

  it("refuses new sessions while draining, but serves existing ones", async () => {
    const draining = await startTestServer();
    const s = await draining.client.createSession("sokoban");
    await s.reset(1);
    draining.server.engine.drain();
    const err = await rejection(draining.client.createSession("sokoban"));
    expect([err.code, err.reason, err.retryable]).toEqual([14, "SHUTTING_DOWN", true]);
    await s.step("Up");
    draining.client.close();
    await draining.server.stop(500);
  });
});

describe("several servers from one client", () => {
  it("spreads sessions over servers and routes each call to its session's server", async () => {
    const a = await startTestServer({ stateKey: "shared-key-of-a-fleet-0123" });
    const b = await startTestServer({ stateKey: "shared-key-of-a-fleet-0123" });
    const client = new EnvClient({ addresses: [a.server.address, b.server.address] });
    try {
      const sessions = await Promise.all(Array.from({ length: 4 }, () => client.createSession("sokoban")));
      expect(sessions.map((s) => s.server).sort()).toEqual([0, 0, 1, 1]);
      expect(a.server.engine.sessions.size).toBe(2);
      expect(b.server.engine.sessions.size).toBe(2);
      await Promise.all(sessions.map((s, i) => s.reset(i)));
      const out = await client.batchStep(sessions.map((session) => ({ session, action: "Up" })));
      expect(out.every((o) => "stepIndex" in o && o.stepIndex === 1)).toBe(true);
      // A state saved on one server reaches a session on the other through its portable bytes.
      const saved = await sessions[0]!.clone(true);
      const elsewhere = sessions.find((s) => s.server !== saved.server)!;
      expect((await elsewhere.restore(saved)).observation.fingerprint).toBe(out[0] && "observation" in out[0] ? out[0].observation.fingerprint : "");
      // Without bytes, a handle cannot cross servers: the client says so before calling.
      await expect(elsewhere.restore({ ...saved, portable: undefined })).rejects.toThrow(/held by server/);
    } finally {
      client.close();
      for (const t of [a, b]) {
        t.client.close();
        await t.server.stop(500);
      }
    }
  });
});

describe("the serve command", () => {
  it("starts, answers, and drains and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/dynamind.ts", "serve", "--port", "0", "--drain-seconds", "2"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LOG_LEVEL: "info" },
    });
    const address = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stderr! });
      lines.on("line", (line) => {
        try {
          const rec = JSON.parse(line) as { address?: string };
          if (rec.address) resolve(rec.address);
        } catch {
          // not a log line
        }
      });
      child.once("exit", (code) => reject(new Error(`serve exited early with ${code}`)));
    });
    const client = new EnvClient(address);
    const s = await client.createSession("sokoban");
    expect((await s.reset(3)).stepIndex).toBe(0);
    client.close();
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});


describe("serve --workers", () => {
  it("runs one process per port with its own server id, shares the state key, and stops them all on SIGTERM", async () => {
    const port = await consecutiveFreePorts(2);
    const child = spawn(process.execPath, ["--import", "tsx", "cli/dynamind.ts", "serve", "--workers", "2", "--port", String(port), "--server-id", "w"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const listening: string[] = [];
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stderr! }).on("line", (line) => {
        if (line.includes("listening")) listening.push(line);
        if (listening.length === 2) resolve();
      });
      child.once("exit", (code) => reject(new Error(`serve --workers exited early with ${code}`)));
    });
    const client = new EnvClient({ addresses: [`127.0.0.1:${port}`, `127.0.0.1:${port + 1}`] });
    const [a, b] = [await client.createSession("sokoban"), await client.createSession("sokoban")];
    expect([a.server, b.server]).toEqual([0, 1]);
    expect([routeOf(a.id), routeOf(b.id)]).toEqual(["w-0", "w-1"]);
    await a.reset(4);
    await b.reset(5);
    const saved = await a.clone(true);
    expect((await b.restore(saved)).observation.fingerprint).toBe((await a.restore(saved)).observation.fingerprint);
    client.close();
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
