/**
 * Which registered environments can run here with their default config. Some need
 * one (android-appium needs a device: APPIUM_URL / ANDROID_SERIAL), some a program the
 * server lacks (android-web needs Chromium: `EnvDefinition.unavailable`); the suites skip
 * those with the environment's own message instead of failing.
 */
import { EnvError } from "../../adapters/contract.js";
import type { EnvRegistry } from "../../adapters/registry.js";

export async function runnableEnvs(registry: EnvRegistry): Promise<{ ids: string[]; skipped: [string, string][] }> {
  const ids: string[] = [];
  const skipped: [string, string][] = [];
  for (const id of registry.ids()) {
    const definition = await registry.get(id);
    const missing = definition.unavailable?.();
    if (missing !== undefined) {
      skipped.push([id, missing]);
      continue;
    }
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
