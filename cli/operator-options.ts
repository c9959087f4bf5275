/**
 * The options that say what the server's operator grants sessions by name: data sets
 * (`--data NAME=PATH`) and a server config file (data sets, Android devices, adb, the
 * emulator pool). Shared by `serve` and the commands that start an embedded server.
 */
import type { Command } from "commander";
import { operatorConfigFrom, OperatorResources } from "../adapters/operator-resources.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addOperatorOptions(command: Command): Command {
  return command
    .option("--data <NAME=PATH>", "grant a data set (file or directory) that session configs name, e.g. boxoban-medium=/data/boxoban/medium (repeatable)", collect, [])
    .option("--server-config <file>", 'JSON server config: {"data": {NAME: PATH}, "android": {"adb", "pool_state", "appium_url", "devices": {NAME: {...}}}}');
}

/** Builds (and lists) the granted resources; throws a clear Error for a bad file, flag or path. */
export function operatorResourcesFrom(opts: { data?: string[]; serverConfig?: string }): OperatorResources {
  return new OperatorResources(operatorConfigFrom({ serverConfig: opts.serverConfig, data: opts.data }));
}
