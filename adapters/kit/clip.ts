/**
 * Bounded echoes of untrusted text. Error messages travel in gRPC trailers, and
 * grpc-js connections wedge past ~64 KB of trailers, so nothing a client sent is
 * ever repeated at full length.
 */

/** `text` cut to at most `max` characters, with an ellipsis when cut. */
export function clip(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** `text` as a JSON string literal, cut to at most `max` characters of content. */
export function quote(text: string, max = 80): string {
  return JSON.stringify(clip(text, max));
}
