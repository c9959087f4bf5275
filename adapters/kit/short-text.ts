/** Cutting client input and names short before they go into an error message. */

/** `text` cut to `max` characters (with "…" when cut): messages stay short whatever a client sent. */
export function shortName(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
