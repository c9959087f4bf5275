/**
 * The files `dynamind view` may serve: regular .jsonl and .png files under the
 * folders the operator named, and nothing else. A request names a folder by its
 * index and a file by a relative path; the path is refused before any file is
 * touched when it is absolute, climbs (`..`), holds a NUL or backslash, or has
 * another extension, and refused again when its real path (links resolved) is not
 * inside the folder's real path.
 */
import { createReadStream, type Dirent } from "node:fs";
import { open, readdir, realpath, stat } from "node:fs/promises";
import { basename, isAbsolute, join, posix, resolve, sep } from "node:path";

/** What a listed JSONL file holds, from its first line. */
export type FileKind = "recording" | "resim";

export interface ListedFile {
  root: number;
  /** Relative to its root, with "/" separators. */
  path: string;
  kind: FileKind;
  bytes: number;
  modified: string;
  /** From the first line: the env id (and the seed of a recording). */
  env?: string;
  seed?: number;
}

const SERVED = new Set([".jsonl", ".png"]);
/** Whole files go to the page; bigger ones are refused rather than stall a browser tab. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_DEPTH = 6;
const MAX_LISTED = 5000;
/** The first line of a ReSim example holds a whole prompt and response; read this much of it at most. */
const FIRST_LINE_BYTES = 1024 * 1024;

export class ViewRoots {
  private constructor(
    /** Real paths of the operator's folders. */
    readonly roots: string[],
  ) {}

  static async open(dirs: string[]): Promise<ViewRoots> {
    if (dirs.length === 0) throw new Error("name at least one folder to view");
    const roots = await Promise.all(
      dirs.map(async (d) => {
        const real = await realpath(resolve(d)).catch(() => {
          throw new Error(`${d}: no such folder`);
        });
        if (!(await stat(real)).isDirectory()) throw new Error(`${d}: not a folder`);
        return real;
      }),
    );
    return new ViewRoots(roots);
  }

  /** The folders' display names (their last path component: the page never learns full paths). */
  names(): string[] {
    return this.roots.map((r) => basename(r) || r);
  }

  /**
   * The real path of a servable file, or undefined (the caller answers 404 for
   * every refusal alike, so a probe learns nothing about what exists).
   */
  async resolve(root: number, relative: string): Promise<string | undefined> {
    const base = this.roots[root];
    if (base === undefined || !isSafeRelative(relative)) return undefined;
    let real: string;
    try {
      real = await realpath(join(base, relative));
    } catch {
      return undefined;
    }
    if (!real.startsWith(base.endsWith(sep) ? base : base + sep)) return undefined;
    const info = await stat(real).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    return real;
  }

  /** Recordings and ReSim datasets under every root (links are not followed; `.frames` folders are skipped). */
  async list(): Promise<ListedFile[]> {
    const out: ListedFile[] = [];
    for (let root = 0; root < this.roots.length; root++) await this.walk(root, "", 0, out);
    return out;
  }

  private async walk(root: number, dir: string, depth: number, out: ListedFile[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.roots[root]!, dir), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (out.length >= MAX_LISTED) return;
      const path = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory() && depth < MAX_DEPTH && !e.name.endsWith(".frames") && !e.name.startsWith(".") && e.name !== "node_modules") {
        await this.walk(root, path, depth + 1, out);
      } else if (e.isFile() && e.name.endsWith(".jsonl") && isSafeRelative(path)) {
        const full = join(this.roots[root]!, path);
        const described = await describe(full);
        if (!described) continue;
        const info = await stat(full);
        out.push({ root, path, bytes: info.size, modified: info.mtime.toISOString(), ...described });
      }
    }
  }
}

/** A relative path with "/" separators that stays where it is put. */
export function isSafeRelative(path: string): boolean {
  if (path === "" || path.length > 1024 || /[\0\\]/.test(path) || isAbsolute(path) || posix.isAbsolute(path)) return false;
  const parts = path.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return false;
  return SERVED.has(posix.extname(path).toLowerCase());
}

/** Streams a file the caller resolved with {@link ViewRoots.resolve}. */
export function readServed(path: string) {
  return createReadStream(path);
}

async function describe(path: string): Promise<{ kind: FileKind; env?: string; seed?: number } | undefined> {
  const first = await firstLine(path);
  if (first === undefined) return undefined;
  let value: Record<string, any>;
  try {
    value = JSON.parse(first) as Record<string, any>;
  } catch {
    return undefined;
  }
  if (value?.type === "header" && value.format === "dynamind-recording") return { kind: "recording", env: String(value.env), seed: value.seed };
  if (Array.isArray(value?.messages) && Array.isArray(value?.metadata?.tree)) return { kind: "resim", env: String(value.metadata.env) };
  return undefined;
}

async function firstLine(path: string): Promise<string | undefined> {
  const fh = await open(path, "r").catch(() => undefined);
  if (!fh) return undefined;
  try {
    const buf = Buffer.alloc(FIRST_LINE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString("utf8");
    const nl = text.indexOf("\n");
    return nl < 0 ? (bytesRead < buf.length ? text : undefined) : text.slice(0, nl);
  } finally {
    await fh.close();
  }
}
