/**
 * Server ids and the ids they prefix. A fleet behind one proxy address needs every
 * session and state handle to say which server holds it, in a form a stock proxy
 * can route on: ids are `<server-id>.<local part>`, and clients send the server id
 * as the `x-dynamind-route` header (see proto/dynamind/env/v1/env_service.proto).
 *
 * A server id is a DNS label so that it can be a Kubernetes pod name (the proxy's
 * map can then derive the pod's address from it) and can never contain the dot.
 * The local part stays unguessable (a random UUID, or an HMAC tag): knowing which
 * server holds a session tells nothing about its id.
 */
import { randomBytes } from "node:crypto";

const SERVER_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Throws unless `id` is a usable server id (a lower-case DNS label). */
export function checkServerId(id: string): string {
  if (!SERVER_ID.test(id)) {
    throw new Error("a server id is 1-63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit");
  }
  return id;
}

/** A fresh id for a server the operator did not name: 48 random bits, so a fleet never repeats one. */
export function randomServerId(): string {
  return `s${randomBytes(6).toString("hex")}`;
}

/** `local` under `serverId`: the id a client sees. */
export function routedId(serverId: string, local: string): string {
  return `${serverId}.${local}`;
}

/** The server id an id names, or undefined for ids without one. */
export function serverOf(id: string): string | undefined {
  const dot = id.indexOf(".");
  if (dot <= 0) return undefined;
  const prefix = id.slice(0, dot);
  return SERVER_ID.test(prefix) ? prefix : undefined;
}
