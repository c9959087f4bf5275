/**
 * The routing key a call carries so that a proxy in front of many servers sends it
 * to the one holding its session or state: session and handle ids are
 * `<server-id>.<opaque part>` (see proto/dynamind/env/v1/env_service.proto), and the
 * server id goes in the `x-dynamind-route` header. Calls naming no session or
 * handle carry no key and may land on any server.
 */

export const ROUTE_HEADER = "x-dynamind-route";

// The server's own rule (a DNS label), so a malformed id never becomes a header value.
const SERVER_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The server id an id names, or undefined (ids from servers that predate routing have none). */
export function routeOf(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const dot = id.indexOf(".");
  if (dot <= 0) return undefined;
  const prefix = id.slice(0, dot);
  return SERVER_ID.test(prefix) ? prefix : undefined;
}

/** The routing key for a server id, or for any id that server issued; throws when it is neither. */
export function routeTo(serverOrId: string): string {
  const route = routeOf(serverOrId) ?? routeOf(`${serverOrId}.`);
  if (route === undefined) throw new Error("a route is a server id (a lower-case DNS label) or an id a server issued");
  return route;
}

interface RoutableRequest {
  sessionId?: string;
  source?: { $case: string; sessionId?: string; handleId?: string };
  handleIds?: string[];
  steps?: { sessionId?: string }[];
}

/**
 * The routing key of any EnvService request: its session's, else (Fork) its source's,
 * else (ReleaseState, BatchStep) its first item's — callers split those by key first.
 */
export function routeOfRequest(request: unknown): string | undefined {
  const req = request as RoutableRequest;
  if (typeof req !== "object" || req === null) return undefined;
  if (req.sessionId) return routeOf(req.sessionId);
  if (req.source) return routeOf(req.source.sessionId ?? req.source.handleId);
  if (req.handleIds) return routeOf(req.handleIds[0]);
  if (req.steps) return routeOf(req.steps[0]?.sessionId);
  return undefined;
}
