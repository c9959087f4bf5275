/**
 * UiAutomator2 page source → AndroidWorld UI elements.
 *
 * Appium's UiAutomator2 driver returns the accessibility tree as XML: a
 * `<hierarchy rotation="0">` root whose descendants are tagged with their class
 * name (`<android.widget.TextView …>`) and carry only attributes (index,
 * package, class, text, resource-id, content-desc, checkable, checked,
 * clickable, enabled, focusable, focused, long-clickable, password, scrollable,
 * selected, bounds="[x1,y1][x2,y2]", displayed, hint, …). There is no text
 * content and no mixed content, so a small dedicated parser is enough — and it
 * avoids a dependency: it handles the XML declaration, comments, CDATA (skipped),
 * self-closing and paired tags, both quote styles, and the entities
 * `&amp; &lt; &gt; &quot; &apos; &#NN; &#xHH;`.
 *
 * AndroidWorld's list rule (applied by the shared `../ui-elements.ts`, so both
 * backends build lists the same way): keep every leaf, every node with a content
 * description and every scrollable node, in document (pre-)order; the position
 * in that list is the action's `index`.
 */
import { EnvError, type UiElement } from "../../contract.js";
import type { PixelBox, RawNode } from "../../../emulator/device/contract.js";
import { toUiElements } from "../ui-elements.js";

/** One node of the page source: its tag and its attributes, decoded. */
export interface XmlNode {
  tag: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}

/** A parse failure, with the offset where it happened. */
export class PageSourceError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
    this.name = "PageSourceError";
  }
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes XML character and entity references; unknown entities are kept verbatim. */
export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

const NAME_CHAR = /[A-Za-z0-9_.:\-$]/;

/**
 * Parses attribute-only XML into a tree. Returns the document element (for
 * UiAutomator2, `<hierarchy>`). Throws {@link PageSourceError} on malformed input.
 */
export function parseXml(xml: string): XmlNode {
  let i = 0;
  const n = xml.length;
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;

  const skipWs = () => {
    while (i < n && (xml[i] === " " || xml[i] === "\n" || xml[i] === "\t" || xml[i] === "\r")) i++;
  };
  const readName = (): string => {
    const start = i;
    while (i < n && NAME_CHAR.test(xml[i]!)) i++;
    if (i === start) throw new PageSourceError(`expected a name, found ${JSON.stringify(xml.slice(i, i + 10))}`, i);
    return xml.slice(start, i);
  };

  while (i < n) {
    const lt = xml.indexOf("<", i);
    if (lt < 0) {
      if (xml.slice(i).trim() !== "") throw new PageSourceError("text after the last tag", i);
      break;
    }
    // Text between tags: UiAutomator2 emits only whitespace there; tolerate anything inside elements.
    if (stack.length === 0 && xml.slice(i, lt).replace(/^\uFEFF/, "").trim() !== "") {
      throw new PageSourceError("text outside the document element", i);
    }
    i = lt;
    if (xml.startsWith("<?", i)) {
      const end = xml.indexOf("?>", i);
      if (end < 0) throw new PageSourceError("unterminated processing instruction", i);
      i = end + 2;
    } else if (xml.startsWith("<!--", i)) {
      const end = xml.indexOf("-->", i);
      if (end < 0) throw new PageSourceError("unterminated comment", i);
      i = end + 3;
    } else if (xml.startsWith("<![CDATA[", i)) {
      const end = xml.indexOf("]]>", i);
      if (end < 0) throw new PageSourceError("unterminated CDATA section", i);
      i = end + 3;
    } else if (xml.startsWith("<!", i)) {
      const end = xml.indexOf(">", i);
      if (end < 0) throw new PageSourceError("unterminated declaration", i);
      i = end + 1;
    } else if (xml[i + 1] === "/") {
      i += 2;
      const name = readName();
      skipWs();
      if (xml[i] !== ">") throw new PageSourceError(`expected ">" to close </${name}`, i);
      i++;
      const open = stack.pop();
      if (!open) throw new PageSourceError(`closing tag </${name}> without an open tag`, i);
      if (open.tag !== name) throw new PageSourceError(`closing tag </${name}> does not match <${open.tag}>`, i);
    } else {
      i++;
      const node: XmlNode = { tag: readName(), attrs: {}, children: [] };
      for (;;) {
        const before = i;
        skipWs();
        if (xml[i] === "/" && xml[i + 1] === ">") {
          i += 2;
          attach(node, false);
          break;
        }
        if (xml[i] === ">") {
          i++;
          attach(node, true);
          break;
        }
        if (i >= n) throw new PageSourceError(`unterminated tag <${node.tag}`, i);
        if (i === before) throw new PageSourceError(`expected whitespace before an attribute of <${node.tag}>`, i);
        const name = readName();
        skipWs();
        if (xml[i] !== "=") throw new PageSourceError(`attribute ${name} of <${node.tag}> has no value`, i);
        i++;
        skipWs();
        const quote = xml[i];
        if (quote !== '"' && quote !== "'") throw new PageSourceError(`attribute ${name} of <${node.tag}> is not quoted`, i);
        const end = xml.indexOf(quote, i + 1);
        if (end < 0) throw new PageSourceError(`unterminated value of attribute ${name}`, i);
        const raw = xml.slice(i + 1, end);
        if (raw.includes("<")) throw new PageSourceError(`"<" inside the value of attribute ${name}`, i);
        node.attrs[name] = decodeEntities(raw);
        i = end + 1;
      }
    }
  }
  if (stack.length > 0) throw new PageSourceError(`<${stack[stack.length - 1]!.tag}> is never closed`, n);
  if (!root) throw new PageSourceError("no document element", 0);
  return root;

  function attach(node: XmlNode, open: boolean): void {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else if (root) throw new PageSourceError("more than one document element", i);
    else root = node;
    if (open) stack.push(node);
  }
}

/** Parses `[x1,y1][x2,y2]` into AndroidWorld's bbox; undefined when absent or malformed. */
export function parseBounds(bounds: string | undefined): PixelBox | undefined {
  if (!bounds) return undefined;
  const m = /^\s*\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]\s*$/.exec(bounds);
  if (!m) return undefined;
  return { xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]) };
}

const EDITABLE_CLASSES = /(^|\.)(EditText|AutoCompleteTextView|MultiAutoCompleteTextView|SearchView\$SearchAutoComplete|ExtractEditText)$/;

function flag(attrs: Record<string, string>, name: string, fallback = false): boolean {
  const v = attrs[name];
  return v === undefined ? fallback : v === "true";
}

/** Attributes read into AndroidWorld's fields; every other one goes to metadata. */
const MAPPED = new Set([
  "class", "text", "content-desc", "bounds", "hint", "checked", "checkable", "clickable", "editable", "enabled", "focused",
  "focusable", "long-clickable", "scrollable", "selected", "displayed", "visible-to-user", "package", "resource-id", "tooltip-text",
]);
/** Bounds on metadata, so a hostile or runaway page source cannot blow up every element. */
const METADATA_MAX_KEYS = 24;
const METADATA_MAX_CHARS = 200;

/** The node's tree depth plus its UiAutomator2 attributes that have no AndroidWorld field, bounded. */
function metadataOf(attrs: Record<string, string>, depth: number): Record<string, string> {
  const out: Record<string, string> = { depth: String(depth) };
  let n = 1;
  for (const [k, v] of Object.entries(attrs)) {
    if (MAPPED.has(k)) continue;
    if (n++ >= METADATA_MAX_KEYS) break;
    out[k.slice(0, 64)] = v.length > METADATA_MAX_CHARS ? v.slice(0, METADATA_MAX_CHARS) : v;
  }
  return out;
}

/** One node's fields as the shared {@link RawNode} (AndroidWorld's UIElement plus tree shape). */
export function toRawNode(node: XmlNode, depth: number): RawNode {
  const a = node.attrs;
  const className = a.class ?? node.tag;
  const resourceId = a["resource-id"] ?? "";
  const slash = resourceId.indexOf(":id/");
  return {
    depth,
    childCount: node.children.length,
    text: a.text ?? "",
    contentDescription: a["content-desc"] ?? "",
    className,
    bbox: parseBounds(a.bounds),
    hintText: a.hint ?? "",
    isChecked: flag(a, "checked"),
    isCheckable: flag(a, "checkable"),
    isClickable: flag(a, "clickable"),
    // UiAutomator2 has no "editable" attribute in every version; fall back to the class.
    isEditable: a.editable !== undefined ? a.editable === "true" : EDITABLE_CLASSES.test(className),
    isEnabled: flag(a, "enabled", true),
    isFocused: flag(a, "focused"),
    isFocusable: flag(a, "focusable"),
    isLongClickable: flag(a, "long-clickable"),
    isScrollable: flag(a, "scrollable"),
    isSelected: flag(a, "selected"),
    isVisible: flag(a, "displayed", true) && flag(a, "visible-to-user", true),
    packageName: a.package ?? "",
    resourceName: slash >= 0 ? resourceId.slice(slash + 4) : resourceId,
    resourceId,
    tooltip: a["tooltip-text"] ?? "",
    metadata: metadataOf(a, depth),
  };
}

/** The tree in pre-order with depths (the `<hierarchy>` root itself is not a node). */
export function rawNodesFromTree(root: XmlNode): RawNode[] {
  const out: RawNode[] = [];
  const visit = (node: XmlNode, depth: number) => {
    out.push(toRawNode(node, depth));
    for (const c of node.children) visit(c, depth + 1);
  };
  if (root.tag === "hierarchy") for (const c of root.children) visit(c, 0);
  else visit(root, 0);
  return out;
}

/** AndroidWorld's element list of a parsed tree, by the shared list rules (`../ui-elements.ts`). */
export function uiElementsFromTree(root: XmlNode): UiElement[] {
  return toUiElements(rawNodesFromTree(root));
}

/** The screen geometry the page source declares, when it does (`<hierarchy width= height= rotation=>`). */
export interface ScreenInfo {
  rotation: number;
  width: number | undefined;
  height: number | undefined;
}

export function screenInfo(root: XmlNode): ScreenInfo {
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  return { rotation: num(root.attrs.rotation) ?? 0, width: num(root.attrs.width), height: num(root.attrs.height) };
}

/** A parsed page source: the raw nodes, the element list and the declared screen. */
export interface PageSource {
  nodes: RawNode[];
  elements: UiElement[];
  screen: ScreenInfo;
}

/**
 * Page source text → nodes and element list. Malformed XML (a half-written page
 * source from a busy app) becomes a retryable INTERNAL EnvError with the parser's reason.
 */
export function parsePageSource(xml: string): PageSource {
  let root: XmlNode;
  try {
    root = parseXml(xml);
  } catch (err) {
    if (err instanceof PageSourceError) throw new EnvError("INTERNAL", `could not parse the UiAutomator2 page source: ${err.message}`, true);
    throw err;
  }
  const nodes = rawNodesFromTree(root);
  const screen = screenInfo(root);
  const size = screen.width && screen.height && screen.rotation % 2 === 0 ? { width: screen.width, height: screen.height } : undefined;
  return { nodes, elements: toUiElements(nodes, size), screen };
}
