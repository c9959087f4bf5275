/** The one place that registers every built-in environment. */
import { toResources, type OperatorConfig, type OperatorResources } from "./operator-resources.js";
import { EnvRegistry } from "./registry.js";

/**
 * Every built-in environment, given what the server's operator grants (data sets,
 * devices); with none, environments that need them say so when a session asks.
 */
export function builtinRegistry(resources?: OperatorResources | OperatorConfig): EnvRegistry {
  const r = toResources(resources);
  const registry = new EnvRegistry();
  return (
    registry
      .register("sokoban", async () => (await import("./sokoban/definition.js")).createSokobanDefinition(r))
      .register("alfworld", async () => (await import("./alfworld/definition.js")).createAlfworldDefinition(r))
      .register("android-web", async () => (await import("./android/web/definition.js")).androidWebDefinition)
      .register("android-appium", async () => (await import("./android/appium/definition.js")).createAppiumDefinition(r))
      // Wraps the others, so it is given the registry; it finds its bases when it loads.
      .register("dream", async () => (await import("./dream/definition.js")).createDreamDefinition(r, registry))
  );
}
