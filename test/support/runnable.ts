/**
 * Which registered environments can run here with their default config. Some need
 * one (android-appium needs a device: APPIUM_URL / ANDROID_SERIAL); the suites skip
 * those with the environment's own message instead of failing.
 */
import { EnvError } from "../../adapters/contract.js";
import type { EnvRegistry } from "../../adapters/registry.js";
import { hasChromium } from "./chromium.js";

/** Environments that run in Debian's Chromium: their configs parse without it, but they cannot reset. */
const NEEDS_CHROMIUM = new Set(["android-web"]);

export async function runnableEnvs(registry: EnvRegistry): Promise<{ ids: string[]; skipped: [string, string][] }> {
  const ids: string[] = [];
  const skipped: [string, string][] = [];
  for (const id of registry.ids()) {
    if (NEEDS_CHROMIUM.has(id) && !hasChromium) {
      skipped.push([id, "Chromium is not installed (apt-get install -y chromium, or set DYNAMIND_CHROMIUM)"]);
      continue;
    }
    const definition = await registry.get(id);
    try {
      definition.parseConfig({});
      ids.push(id);
    } catch (err) {
      if (!(err instanceof EnvError)) throw err;
      skipped.push([id, err.message]);
    }
  }
  for (const [id, why] of skipped) console.warn(`conformance: skipping ${id} (${why})`);
  return { ids, skipped };
}
