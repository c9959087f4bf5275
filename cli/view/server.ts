/**
 * The HTTP side of `dynamind view`: the page (three static files), the list of
 * recordings and datasets, and the files themselves. Read-only, GET only.
 *
 * Bound to loopback by default. Requests must name this server in their Host
 * header, so a web page elsewhere cannot reach it through DNS rebinding; the page
 * loads nothing from anywhere else (a Content-Security-Policy says so).
 */
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { packageRoot } from "../../env-server/package-root.js";
import { MAX_FILE_BYTES, readServed, ViewRoots } from "./files.js";

export interface ViewOptions {
  dirs: string[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningViewer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const APP: Record<string, string> = {
  "/": "index.html",
  "/viewer.js": "viewer.js",
  "/viewer.css": "viewer.css",
};
const TYPES: Record<string, string> = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export async function startViewer(options: ViewOptions): Promise<RunningViewer> {
  const roots = await ViewRoots.open(options.dirs);
  const host = options.host ?? "127.0.0.1";
  const appDir = join(packageRoot(), "cli", "view", "app");
  let allowedHosts = new Set<string>();
  // On loopback the Host check stops DNS rebinding; an operator who binds elsewhere chose who may connect.
  const checkHost = ["127.0.0.1", "localhost", "::1"].includes(host);
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", "internal error");
      else res.destroy(err as Error);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (checkHost && !allowedHosts.has((req.headers.host ?? "").toLowerCase())) return send(res, 421, "text/plain; charset=utf-8", "unknown host");
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain; charset=utf-8", "read-only");
    const url = new URL(req.url ?? "/", "http://viewer");
    const asset = APP[url.pathname];
    if (asset) {
      const body = await readFile(join(appDir, asset));
      return send(res, 200, TYPES[asset.split(".").pop()!]!, body);
    }
    if (url.pathname === "/api/list") {
      return send(res, 200, "application/json", JSON.stringify({ roots: roots.names(), files: await roots.list() }));
    }
    if (url.pathname === "/api/file") {
      const root = url.searchParams.get("root") ?? "";
      const path = url.searchParams.get("path") ?? "";
      const real = /^\d{1,4}$/.test(root) ? await roots.resolve(Number(root), path) : undefined;
      if (!real) return send(res, 404, "text/plain; charset=utf-8", "no such file");
      const { size } = await stat(real);
      if (size > MAX_FILE_BYTES) return send(res, 413, "text/plain; charset=utf-8", `larger than ${MAX_FILE_BYTES >> 20} MiB`);
      res.writeHead(200, { ...headers(path.endsWith(".png") ? "image/png" : "application/x-ndjson; charset=utf-8"), "content-length": size });
      if (req.method === "HEAD") return void res.end();
      readServed(real).on("error", (err) => res.destroy(err)).pipe(res);
      return;
    }
    send(res, 404, "text/plain; charset=utf-8", "not found");
  }

  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 8700, host, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const named = host.includes(":") ? `[${host}]` : host;
  allowedHosts = new Set([`${named}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].map((h) => h.toLowerCase()));
  return {
    url: `http://${named}:${port}/`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function headers(type: string): Record<string, string> {
  return { "content-type": type, "content-security-policy": CSP, "x-content-type-options": "nosniff", "cache-control": "no-store", "referrer-policy": "no-referrer" };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...headers(type), "content-length": Buffer.byteLength(body) });
  res.end(body);
}
