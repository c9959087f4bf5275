/** The one place that registers every built-in environment. */
import { EnvRegistry } from "./registry.js";

export function builtinRegistry(): EnvRegistry {
  return new EnvRegistry()
    .register("sokoban", async () => (await import("./sokoban/definition.js")).sokobanDefinition)
    .register("alfworld", async () => (await import("./alfworld/definition.js")).alfworldDefinition)
    .register("android-web", async () => (await import("./android/web/definition.js")).androidWebDefinition)
    .register("android-appium", async () => (await import("./android/appium/definition.js")).appiumDefinition);
}
