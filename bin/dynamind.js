#!/usr/bin/env node
// Runs the compiled CLI; `npm install` builds it (the "prepare" script), `npm run build` rebuilds it.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/dynamind.js", import.meta.url);
if (!existsSync(entry)) {
  console.error("dynamind is not built yet: run `npm run build` (npm install does it too)");
  process.exit(1);
}
await import(entry.href);
