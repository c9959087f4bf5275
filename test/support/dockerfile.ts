import { existsSync, readFileSync } from "node:fs";

/** Dockerfile instructions as [KEYWORD, arguments], continuation lines joined and comments dropped. */
export function dockerInstructions(text: string): [string, string][] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [kw, ...rest] = l.split(/\s+/);
      return [kw!.toUpperCase(), rest.join(" ")];
    });
}

/** The source paths of every COPY (flags such as --chown dropped, the destination left out). */
export function copiedPaths(steps: readonly [string, string][]): string[] {
  return steps.filter(([kw]) => kw === "COPY").flatMap(([, args]) => args.split(/\s+/).filter((a) => !a.startsWith("--")).slice(0, -1));
}

/** COPY sources that do not exist, or that .dockerignore (at the repository root) keeps out of the build context. */
export function copyProblems(copied: readonly string[]): string[] {
  const ignored = readFileSync(".dockerignore", "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
  return copied.flatMap((src) => {
    if (!existsSync(src)) return [`${src} does not exist`];
    return ignored.some((pattern) => src === pattern || src.startsWith(`${pattern}/`)) ? [`${src} is in .dockerignore`] : [];
  });
}
