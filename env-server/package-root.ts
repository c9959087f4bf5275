import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (where package.json is), from source (tsx) or from dist/ alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) || !existsSync(join(dir, "proto"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the dynamind package root");
    dir = parent;
  }
  return dir;
}
