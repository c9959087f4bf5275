/**
 * The options that say what the server's operator grants sessions by name: data sets
 * (`--data NAME=PATH`) and a server config file (data sets, Android devices, adb, the
 * emulator pool). Shared by `serve` and the commands that start an embedded server.
 */
import type { Command } from "commander";
import { operatorConfigFrom, OperatorResources, type DreamFlags } from "../adapters/operator-resources.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addOperatorOptions(command: Command): Command {
  return command
    .option("--data <NAME=PATH>", "grant a data set (file or directory) that session configs name, e.g. boxoban-medium=/data/boxoban/medium (repeatable)", collect, [])
    .option("--server-config <file>", 'JSON server config: {"data": {NAME: PATH}, "android": {"adb", "pool_state", "appium_url", "devices": {NAME: {...}}}, "dream": {...}}')
    .option("--dream-endpoint <NAME=MODEL@URL>", "a transition model for the dream env: an OpenAI-compatible endpoint (API key from DYNAMIND_DREAM_API_KEY; repeatable)", collect, [])
    .option("--dream-checkpoint <NAME=DIR>", "a transition model for the dream env: a dynamind checkpoint (repeatable)", collect, [])
    .option("--dream-compact-prompt <NAME>", "the named dream model reads dream's compact prompt (it was trained on dream-data --prompt compact; repeatable)", collect, [])
    .option("--dream-recordings <NAME=PATH>", "a replay buffer for the dream env: recording files or a folder of them (repeatable; the same NAME adds paths)", collect, []);
}

/** Builds (and lists) the granted resources; throws a clear Error for a bad file, flag or path. */
export function operatorResourcesFrom(opts: { data?: string[]; serverConfig?: string } & DreamFlags): OperatorResources {
  return new OperatorResources(operatorConfigFrom(opts));
}
