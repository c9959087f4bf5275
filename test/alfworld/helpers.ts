/** Shared helpers for the ALFWorld tests. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Action } from "../../adapters/contract.js";
import { parseAlfworldConfig, type GameLibrary } from "../../adapters/alfworld/config.js";
import { AlfworldEnv } from "../../adapters/alfworld/env.js";

export const REF_DIR = resolve(import.meta.dirname, "../../../shared/reference/alfworld");
export const HAVE_REF = existsSync(resolve(REF_DIR, "alfred-types.json")) && existsSync(resolve(REF_DIR, "alfred.pddl"));

export const text = (t: string): Action => ({ $case: "text", text: t });

/** An env for `config`; `games` names a data set of `library`. */
export function makeEnv(config: Record<string, unknown> = {}, library?: GameLibrary): AlfworldEnv {
  return new AlfworldEnv(parseAlfworldConfig(config, library));
}

const FULL = { text: true, image: false, uiElements: false };

/** Plays the expert from reset; returns the transcript (ALFWorld console style) and the outcome. */
export function expertTranscript(env: AlfworldEnv, seed: number, options: Record<string, unknown> = {}, maxSteps = 50): { transcript: string; won: boolean; steps: number } {
  env.reset(seed, options);
  const parts = [env.observe(FULL).text];
  let won = false;
  let steps = 0;
  while (steps < maxSteps) {
    const cmd = env.expertAction();
    if (cmd === undefined) break;
    const t = env.step(text(cmd));
    steps++;
    parts.push(`> ${cmd}\n${env.observe(FULL).text}`);
    if (t.terminated) {
      won = t.reward === 1;
      break;
    }
  }
  return { transcript: parts.join("\n\n") + "\n", won, steps };
}
