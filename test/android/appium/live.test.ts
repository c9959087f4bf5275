/**
 * Opt-in live suite: runs against a real Appium server and device when APPIUM_URL and
 * ANDROID_SERIAL are set (see adapters/android/appium/README.md), and is skipped
 * otherwise. It changes the device's wifi and takes/loads an emulator snapshot.
 */
import { describe, expect, it } from "vitest";
import { appiumDefinition } from "../../../adapters/android/appium/definition.js";
import type { Environment } from "../../../adapters/contract.js";

const url = process.env.APPIUM_URL;
const serial = process.env.ANDROID_SERIAL;
const live = Boolean(url && serial);
if (!live) console.warn("android-appium live suite skipped: set APPIUM_URL and ANDROID_SERIAL (see adapters/android/appium/README.md)");

describe.skipIf(!live)("android-appium on a live device", () => {
  // The server's environment (APPIUM_URL, ANDROID_SERIAL, ANDROID_ADB_SERVER_PORT) is the device "env".
  const config = () => appiumDefinition.parseConfig({ device: "env" });
  const obs = { text: true, image: true, uiElements: true };

  it("resets, observes, acts, and scores SystemWifiTurnOn from the device", { timeout: 300_000 }, async () => {
    const env: Environment = appiumDefinition.create(config());
    try {
      const info = await env.reset(0, { task: "SystemWifiTurnOn" });
      expect(info).toMatchObject({ task: "SystemWifiTurnOn" });
      const first = await env.observe(obs);
      expect(first.uiElements.length).toBeGreaterThan(0);
      expect(first.image?.mimeType).toBe("image/png");
      await expect(env.step({ $case: "json", json: '{"action_type":"click","index":100000}' })).rejects.toThrow(/out of range/);
      await env.step({ $case: "json", json: '{"action_type":"open_app","app_name":"Settings"}' });
      const settings = await env.observe(obs);
      expect(settings.uiElements.some((e) => e.packageName === "com.android.settings")).toBe(true);
      await env.step({ $case: "json", json: '{"action_type":"navigate_home"}' });
      const done = await env.step({ $case: "json", json: '{"action_type":"status","goal_status":"complete"}' });
      expect(done.terminated).toBe(true);
      expect(done.reward).toBe(0); // wifi is still off
    } finally {
      await env.close?.();
    }
  });

  it.skipIf(!serial?.startsWith("emulator-"))("clones and restores with an emulator snapshot", { timeout: 300_000 }, async () => {
    const env: Environment = appiumDefinition.create(config());
    try {
      await env.reset(1, { task: "OpenAppTaskEval" });
      const before = await env.observe(obs);
      const saved = await env.cloneState();
      await env.step({ $case: "json", json: '{"action_type":"open_app","app_name":"Settings"}' });
      await env.restoreState(saved);
      const after = await env.observe(obs);
      expect(after.uiElements.map((e) => e.packageName)).toEqual(before.uiElements.map((e) => e.packageName));
    } finally {
      await env.close?.();
    }
  });
});
