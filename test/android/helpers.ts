/** Shared helpers for the android-web tests: a server with android-web registered, and solution runners. */
import { EnvRegistry } from "../../adapters/registry.js";
import type { RemoteSession, Step } from "../../agent/client/index.js";
import type { UiElement } from "../../adapters/contract.js";
import type { SolutionStep } from "../../adapters/android/web/solutions.js";

import { CHROMIUM, hasChromium } from "../support/chromium.js";

export { CHROMIUM };
export const HAVE_CHROMIUM = hasChromium;
if (!HAVE_CHROMIUM) console.warn(`android-web tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

export function androidRegistry(): EnvRegistry {
  return new EnvRegistry().register("android-web", async () => (await import("../../adapters/android/web/definition.js")).androidWebDefinition);
}

/** Plays a scripted solution; returns every step. */
export async function play(session: RemoteSession, first: Step, steps: SolutionStep[]): Promise<Step[]> {
  const out: Step[] = [];
  let cur = first;
  for (const s of steps) {
    if (cur.terminated || cur.truncated) break;
    const action = s(cur.observation.uiElements as unknown as UiElement[]);
    if (action === null) continue; // nothing to do on this screen (e.g. the sought row is already visible)
    cur = await session.step(action as unknown as Record<string, unknown>);
    out.push(cur);
  }
  return out;
}
