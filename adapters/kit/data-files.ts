/**
 * Files of an operator data set: listed once, read safely.
 *
 * A data set is a directory (or one file) the server's operator granted by name.
 * Listing walks it once, bounded, and keeps only regular files whose real path lies
 * inside the root, so a symlink cannot lead out of it and a FIFO or device is never
 * listed. Reading checks again (the tree may change after listing): stat first, then
 * open non-blocking without following links, fstat, and read at most a size cap.
 * Messages name the data set and the relative file, never an absolute path or any
 * of the file's bytes.
 */
import { closeSync, constants, fstatSync, openSync, readSync, readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
import { basename, join, sep } from "node:path";
import { EnvError } from "../contract.js";
import { shortName } from "./short-text.js";

export interface DataFile {
  /** The data set's name. */
  set: string;
  /** Path relative to the data set's root, with "/" separators (the file's name if the set is one file). */
  rel: string;
  /** Real absolute path; server-side only, never shown to clients. */
  abs: string;
}

export interface DataSetListing {
  name: string;
  /** Regular files, sorted by `rel`. */
  files: readonly DataFile[];
}

export interface ListLimits {
  maxFiles: number;
  maxDepth: number;
  /** Directory entries looked at, files or not: bounds the walk itself. */
  maxEntries: number;
}

export const DEFAULT_LIST_LIMITS: ListLimits = { maxFiles: 100_000, maxDepth: 12, maxEntries: 1_000_000 };
/** Largest file read from a data set. Real Boxoban files are ~100 KB, ALFWorld games ~0.2 MB. */
export const MAX_DATA_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Lists the regular files of a data set rooted at `root` (operator input: errors are
 * plain Errors for the operator, with the path, thrown at server start).
 */
export function listDataSet(name: string, root: string, limits: ListLimits = DEFAULT_LIST_LIMITS): DataSetListing {
  let real: string;
  try {
    real = realpathSync(root);
  } catch (err) {
    throw new Error(`data set "${name}": ${root} does not exist or cannot be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const st = statSync(real);
  if (st.isFile()) return { name, files: [{ set: name, rel: basename(real), abs: real }] };
  if (!st.isDirectory()) throw new Error(`data set "${name}": ${root} is neither a regular file nor a directory`);

  const files: DataFile[] = [];
  const visited = new Set<string>([real]);
  let entries = 0;
  const inside = (p: string) => p === real || p.startsWith(real.endsWith(sep) ? real : real + sep);
  const walk = (dir: string, rel: string, depth: number): void => {
    if (depth > limits.maxDepth) throw new Error(`data set "${name}": ${root} nests directories deeper than ${limits.maxDepth} levels`);
    let list: Dirent[];
    try {
      list = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw new Error(`data set "${name}": cannot list ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    for (const entry of list) {
      if (++entries > limits.maxEntries) throw new Error(`data set "${name}": ${root} has more than ${limits.maxEntries} entries; grant a smaller directory`);
      const path = join(dir, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      let target = path;
      let isFile = entry.isFile();
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        // Followed only when it stays inside the root; a dangling link is skipped.
        try {
          target = realpathSync(path);
        } catch {
          continue;
        }
        if (!inside(target)) continue;
        const s = statSync(target);
        isFile = s.isFile();
        isDir = s.isDirectory();
      }
      if (isFile) {
        files.push({ set: name, rel: childRel, abs: target });
        if (files.length > limits.maxFiles) throw new Error(`data set "${name}": ${root} has more than ${limits.maxFiles} files; grant a smaller directory`);
      } else if (isDir && !visited.has(target)) {
        visited.add(target);
        walk(target, childRel, depth + 1);
      }
      // FIFOs, sockets and devices are never listed.
    }
  };
  walk(real, "", 0);
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { name, files };
}

/** Reads a listed file as UTF-8, at most `maxBytes`; failures are short INVALID_ARGUMENT errors. */
export function readDataFile(file: DataFile, maxBytes = MAX_DATA_FILE_BYTES): string {
  const where = `data set "${file.set}", file ${shortName(file.rel)}`;
  const fail = (problem: string): never => {
    throw new EnvError("INVALID_ARGUMENT", `${where}: ${problem}`);
  };
  // stat before open: opening a FIFO for reading would block until a writer comes.
  let st;
  try {
    st = statSync(file.abs);
  } catch (err) {
    return fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (!st.isFile()) fail("is not a regular file");
  if (st.size > maxBytes) fail(`is larger than ${maxBytes} bytes`);
  let fd: number;
  try {
    // Non-blocking and no links: if the file was swapped for a FIFO or a link since, this neither blocks nor leaves the root.
    fd = openSync(file.abs, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    return fail(`cannot be opened (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) fail("is not a regular file");
    const buf = Buffer.alloc(Math.min(s.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) {
        if (n > maxBytes) fail(`is larger than ${maxBytes} bytes`);
        break;
      }
    }
    return buf.toString("utf8", 0, n);
  } catch (err) {
    if (err instanceof EnvError) throw err;
    return fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  } finally {
    closeSync(fd);
  }
}
