/**
 * The Appium client path against real HTTP: webdriverio (the real client, over a local
 * WebDriver stand-in) never resends a command, and a session for a device that does not
 * answer is refused at CreateSession within seconds with a retryable DEVICE_UNAVAILABLE.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EnvError } from "../../../adapters/contract.js";
import { EnvRegistry } from "../../../adapters/registry.js";
import { OperatorResources } from "../../../adapters/operator-resources.js";
import { Adb } from "../../../adapters/android/appium/adb.js";
import { createAppiumDefinition } from "../../../adapters/android/appium/definition.js";
import { probeDevice, webdriverioConnect } from "../../../adapters/android/appium/device.js";
import { rejection, useTestServer } from "../../support/server.js";
import { scriptedAdb } from "./fakes.js";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A WebDriver endpoint: POST /session opens "s1"; `handle` answers everything else. */
async function webdriverStub(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: URL; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}`);
      if (req.method === "POST" && req.url === "/session") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ value: { sessionId: "s1", capabilities: { platformName: "Android" } } }));
        return;
      }
      handle(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), seen };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("webdriverio as the Appium backend configures it", () => {
  it("sends a command whose connection broke once, never again", async () => {
    const { url, seen } = await webdriverStub((req) => req.socket.destroy());
    const driver = await webdriverioConnect(url, { platformName: "Android" });
    await expect(driver.executeScript("mobile: type", [{ text: "hello" }])).rejects.toThrow();
    // Before: connectionRetryCount 1 sent the same execute/sync twice (the text typed twice).
    expect(seen.filter((s) => s === "POST /session/s1/execute/sync")).toHaveLength(1);
  });

  it("sends a command the server failed once", async () => {
    const { url, seen } = await webdriverStub((_req, res) => {
      res.statusCode = 500;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ value: { error: "unknown error", message: "boom", stacktrace: "" } }));
    });
    const driver = await webdriverioConnect(url, { platformName: "Android" });
    await expect(driver.performActions([])).rejects.toThrow(/boom/);
    expect(seen.filter((s) => s === "POST /session/s1/actions")).toHaveLength(1);
  });
});

describe("a device that does not answer", () => {
  const adbOnline = scriptedAdb((cmd) => (cmd.endsWith("get-state") ? "device\n" : undefined));

  it("probeDevice names what is missing: the Appium server, or the device", async () => {
    const port = await closedPort();
    const started = Date.now();
    const err = await probeDevice({ appiumUrl: `http://127.0.0.1:${port}`, adb: new Adb(adbOnline.run, "emulator-5554") }).catch((e: unknown) => e as EnvError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toMatchObject({ reason: "DEVICE_UNAVAILABLE", retryable: true });
    expect(err!.message).toMatch(/the Appium server for emulator-5554 does not answer \(ECONNREFUSED\)/);

    const { url } = await webdriverStub((_req, res) => res.end(JSON.stringify({ value: { ready: true } })));
    const offline = scriptedAdb(() => ({ stdout: "", stderr: "error: device 'emulator-5554' not found", code: 1 }));
    await expect(probeDevice({ appiumUrl: url.href, adb: new Adb(offline.run, "emulator-5554") })).rejects.toMatchObject({
      reason: "DEVICE_UNAVAILABLE",
      retryable: true,
      message: expect.stringMatching(/device emulator-5554 is not online \(adb get-state: error: device 'emulator-5554' not found\)/),
    });
    await expect(probeDevice({ appiumUrl: url.href, adb: new Adb(adbOnline.run, "emulator-5554") })).resolves.toBeUndefined();
  });

  describe("over gRPC", () => {
    let port = 0;
    const ctx = useTestServer({
      registry: new EnvRegistry().register("android-appium", async () => {
        port = await closedPort();
        return createAppiumDefinition(OperatorResources.EMPTY, { APPIUM_URL: `http://127.0.0.1:${port}`, ANDROID_SERIAL: "emulator-5554" });
      }),
    });

    it("CreateSession fails within seconds with a retryable UNAVAILABLE / DEVICE_UNAVAILABLE, and makes no session", async () => {
      const started = Date.now();
      const err = await rejection(ctx.client.createSession("android-appium", { config: { task: "SystemWifiTurnOn" } }));
      expect(Date.now() - started).toBeLessThan(5000);
      expect([err.code, err.reason, err.retryable]).toEqual([14, "DEVICE_UNAVAILABLE", true]);
      expect(err.message).toMatch(/Appium server for emulator-5554 does not answer/);
      expect(err.message).not.toContain(String(port));
    });
  });
});
