/**
 * The ALFWorld engine: the ALFRED PDDL domain's actions over a compact state buffer,
 * with the TextWorld grammar's exact feedback strings and admissible commands.
 *
 * Everything dynamic lives in one Uint16Array (see scene.ts for the layout), so a clone is
 * a slice of it plus the last feedback string.
 */
import {
  bufferSize,
  F_CLEAN,
  F_COOL,
  F_HOT,
  F_MOVED,
  F_ON,
  F_SLICED,
  F_TOGGLED,
  HEADER,
  layout,
  listText,
  P_CLEANABLE,
  P_COOLABLE,
  P_HEATABLE,
  P_PICKUPABLE,
  P_RECEPTACLE_OBJECT,
  P_SLICEABLE,
  P_TOGGLEABLE,
  type Layout,
  type Scene,
  type WorldView,
} from "./scene.js";

/** Grounded action kinds; a command code is (kind * 4096 + a) * 4096 + b. */
export const K = {
  Look: 0,
  Inventory: 1,
  Help: 2,
  Goto: 3,
  Open: 4,
  Close: 5,
  Take: 6,
  Put: 7,
  ExamineRec: 8,
  ExamineObj: 9,
  Use: 10,
  Heat: 11,
  Clean: 12,
  Cool: 13,
  Slice: 14,
} as const;
export type K = (typeof K)[keyof typeof K];

const SLOT = 4096;
export const code = (kind: K, a = 0, b = 0): number => (kind * SLOT + a) * SLOT + b;
export const kindOf = (c: number): K => Math.floor(c / (SLOT * SLOT)) as K;
const argA = (c: number): number => Math.floor(c / SLOT) % SLOT;
const argB = (c: number): number => c % SLOT;

export const INTRO_BANNER = "-= Welcome to TextWorld, ALFRED! =-";
export const NOTHING_HAPPENS = "Nothing happens.";

// The grammar's help text starts with a newline, but the real engine prints none.
const HELP_TEXT =
  "Available commands:\n" +
  "  look:                             look around your current location\n" +
  "  inventory:                        check your current inventory\n" +
  "  go to (receptacle):               move to a receptacle\n" +
  "  open (receptacle):                open a receptacle\n" +
  "  close (receptacle):               close a receptacle\n" +
  "  take (object) from (receptacle):  take an object from a receptacle\n" +
  "  move (object) to (receptacle):  place an object in or on a receptacle\n" +
  "  examine (something):              examine a receptacle or an object\n" +
  "  use (object):                     use an object\n" +
  "  heat (object) with (receptacle):  heat an object using a receptacle\n" +
  "  clean (object) with (receptacle): clean an object using a receptacle\n" +
  "  cool (object) with (receptacle):  cool an object using a receptacle\n" +
  "  slice (object) with (object):     slice an object using a sharp object\n";

/** Per-scene caches: command strings by code and codes by string, grown lazily. */
interface SceneCache {
  text: Map<number, string>;
  codes: Map<string, number>;
  /** "go to" commands (static), sorted, with the location each one leads to. */
  gotos: { text: string; loc: number }[];
  /** Station kinds per receptacle: 1 sink basin, 2 microwave, 3 fridge. */
  station: Uint8Array;
  isKnife: Uint8Array;
}

const caches = new WeakMap<Scene, SceneCache>();

function sceneCache(scene: Scene): SceneCache {
  let c = caches.get(scene);
  if (c) return c;
  const station = new Uint8Array(scene.recs.length);
  scene.recs.forEach((r, i) => (station[i] = r.type === "sinkbasin" ? 1 : r.type === "microwave" ? 2 : r.type === "fridge" ? 3 : 0));
  const isKnife = new Uint8Array(scene.objs.length);
  scene.objs.forEach((o, i) => (isKnife[i] = o.type === "knife" || o.type === "butterknife" ? 1 : 0));
  c = { text: new Map(), codes: new Map(), gotos: [], station, isKnife };
  caches.set(scene, c);
  // One command per location: the template names every receptacle there, so receptacles
  // sharing a location share one command, which grounds to the first of them.
  const seen = new Set<string>();
  for (let r = 0; r < scene.recs.length; r++) {
    const text = commandText(scene, c, code(K.Goto, r));
    if (!seen.has(text)) c.gotos.push({ text, loc: scene.recs[r]!.loc });
    seen.add(text);
  }
  c.gotos.sort((x, y) => (x.text < y.text ? -1 : x.text > y.text ? 1 : 0));
  return c;
}

function commandText(scene: Scene, cache: SceneCache, c: number): string {
  let s = cache.text.get(c);
  if (s !== undefined) return s;
  const a = argA(c);
  const b = argB(c);
  const R = scene.recs;
  const O = scene.objs;
  switch (kindOf(c)) {
    case K.Look: s = "look"; break;
    case K.Inventory: s = "inventory"; break;
    case K.Help: s = "help"; break;
    case K.Goto: s = "go to " + listText(scene.recsAtLoc[R[a]!.loc]!.map((r) => R[r]!.name)); break;
    case K.Open: s = "open " + R[a]!.name; break;
    case K.Close: s = "close " + R[a]!.name; break;
    case K.Take: s = "take " + O[a]!.name + " from " + R[b]!.name; break;
    case K.Put: s = scene.grammar === "classic" ? "put " + O[a]!.name + " in/on " + R[b]!.name : "move " + O[a]!.name + " to " + R[b]!.name; break;
    case K.ExamineRec: s = "examine " + R[a]!.name; break;
    case K.ExamineObj: s = "examine " + O[a]!.name; break;
    case K.Use: s = "use " + O[a]!.name; break;
    case K.Heat: s = "heat " + O[a]!.name + " with " + R[b]!.name; break;
    case K.Clean: s = "clean " + O[a]!.name + " with " + R[b]!.name; break;
    case K.Cool: s = "cool " + O[a]!.name + " with " + R[b]!.name; break;
    case K.Slice: s = "slice " + O[a]!.name + " with " + O[b]!.name; break;
    default: throw new Error(`bad command code ${c}`);
  }
  cache.text.set(c, s);
  if (!cache.codes.has(s)) cache.codes.set(s, c);
  return s;
}

export class World implements WorldView {
  scene: Scene;
  buf: Uint16Array;
  feedback = "";
  private cache: SceneCache;
  private nObj: number;
  private lay: Layout;
  private validCmds: string[] | undefined;

  constructor(scene: Scene) {
    this.scene = scene;
    this.cache = sceneCache(scene);
    this.nObj = scene.objs.length;
    this.lay = layout(scene.objs.length, scene.recs.length);
    this.buf = scene.init.slice();
    this.feedback = intro(this);
  }

  /** Switches to another scene's buffer (restore across episodes). */
  load(scene: Scene, buf: Uint16Array, feedback: string): void {
    if (scene !== this.scene) {
      this.scene = scene;
      this.cache = sceneCache(scene);
      this.nObj = scene.objs.length;
      this.lay = layout(scene.objs.length, scene.recs.length);
    }
    if (this.buf.length === buf.length) this.buf.set(buf);
    else this.buf = buf.slice();
    this.feedback = feedback;
    this.validCmds = undefined;
  }

  // --- state access ---------------------------------------------------------------------
  agentLoc(): number {
    return this.buf[0]!;
  }
  held(): number {
    return this.buf[1]! - 1;
  }
  objRec(o: number): number {
    const { w } = this.lay;
    const base = HEADER + o * w;
    for (let k = 0; k < w; k++) {
      const v = this.buf[base + k]!;
      if (v !== 0) return k * 16 + (31 - Math.clz32(v & -v));
    }
    return -1;
  }
  inRec(o: number, r: number): boolean {
    return ((this.buf[HEADER + o * this.lay.w + (r >>> 4)]! >>> (r & 15)) & 1) === 1;
  }
  /** Every receptacle the object is in, by index. */
  objRecs(o: number): number[] {
    const out: number[] = [];
    for (let r = 0; r < this.scene.recs.length; r++) if (this.inRec(o, r)) out.push(r);
    return out;
  }
  objLoc(o: number): number {
    return this.buf[this.lay.loc + o]! - 1;
  }
  objFlags(o: number): number {
    return this.buf[this.lay.flags + o]!;
  }
  isOpen(r: number): boolean {
    return this.buf[this.lay.open + r] === 1;
  }
  /** Whether objects in `r` can be seen and reached. */
  accessible(r: number): boolean {
    return !this.scene.recs[r]!.openable || this.isOpen(r);
  }

  /** Sorted, de-duplicated admissible commands for the current state. */
  admissible(): string[] {
    if (this.validCmds) return this.validCmds;
    const { scene, cache } = this;
    const out: string[] = [];
    const txt = (c: number) => commandText(scene, cache, c);
    out.push(txt(code(K.Look)), txt(code(K.Inventory)));
    if (scene.grammar === "current") out.push(txt(code(K.Help)));
    const l = this.agentLoc();
    const h = this.held();
    const here = scene.recsAtLoc[l] ?? [];
    const objs = scene.objs;
    const nO = this.nObj;
    for (let i = 0; i < here.length; i++) {
      const r = here[i]!;
      const rec = scene.recs[r]!;
      out.push(txt(code(K.ExamineRec, r)));
      const open = this.isOpen(r);
      if (rec.openable) out.push(txt(code(open ? K.Close : K.Open, r)));
      const acc = !rec.openable || open;
      for (let o = 0; o < nO; o++) {
        if (!this.inRec(o, r)) continue;
        const props = objs[o]!.props;
        // examine is not offered for objects in receptacles: in the real engine the
        // domain's visibility condition for them never holds, only holding does.
        if (acc && h < 0 && props & P_PICKUPABLE) out.push(txt(code(K.Take, o, r)));
        if (props & P_TOGGLEABLE) out.push(txt(code(K.Use, o)));
      }
      if (h >= 0) {
        if (acc && scene.canPut[r * nO + h]) out.push(txt(code(K.Put, h, r)));
        const st = cache.station[r]!;
        const hp = objs[h]!.props;
        if (st === 1 && hp & P_CLEANABLE) out.push(txt(code(K.Clean, h, r)));
        else if (st === 2 && hp & P_HEATABLE) out.push(txt(code(K.Heat, h, r)));
        else if (st === 3 && hp & P_COOLABLE) out.push(txt(code(K.Cool, h, r)));
      }
    }
    if (h >= 0) {
      out.push(txt(code(K.ExamineObj, h)));
      if (cache.isKnife[h]) {
        for (let o = 0; o < nO; o++) {
          if (objs[o]!.props & P_SLICEABLE && this.buf[this.lay.loc + o] === l + 1) out.push(txt(code(K.Slice, o, h)));
        }
      }
    }
    out.sort();
    // The translator drops the no-op move: no "go to" the agent's own location.
    const gotos: string[] = [];
    for (const g of cache.gotos) if (g.loc !== l) gotos.push(g.text);
    const merged = mergeSorted(out, gotos);
    this.validCmds = merged;
    return merged;
  }

  /** Applies a command if admissible; returns whether it was. */
  command(text: string): boolean {
    const valid = this.admissible();
    let found = false;
    for (let i = 0; i < valid.length; i++) {
      if (valid[i] === text) {
        found = true;
        break;
      }
    }
    if (!found) {
      this.feedback = NOTHING_HAPPENS;
      return false;
    }
    this.apply(this.cache.codes.get(text)!);
    return true;
  }

  /** Applies a grounded action (assumed admissible) and sets the feedback. */
  apply(c: number): void {
    const { scene, buf, lay } = this;
    const a = argA(c);
    const b = argB(c);
    const R = scene.recs;
    const O = scene.objs;
    this.validCmds = undefined;
    switch (kindOf(c)) {
      case K.Look:
        this.feedback = lookText(this, true);
        return;
      case K.Inventory: {
        const h = this.held();
        this.feedback = h >= 0 ? "You are carrying: a " + O[h]!.name + "." : "You are not carrying anything.";
        return;
      }
      case K.Help:
        this.feedback = HELP_TEXT;
        return;
      case K.Goto:
        buf[0] = R[a]!.loc;
        this.feedback = "You arrive at " + (scene.grammar === "classic" ? scene.locNames[R[a]!.loc]! : R[a]!.name) + ". " + examineRec(this, a);
        return;
      case K.Open:
        buf[lay.open + a] = 1;
        this.feedback = "You open the " + R[a]!.name + ". " + examineRec(this, a);
        return;
      case K.Close:
        buf[lay.open + a] = 0;
        this.feedback = "You close the " + R[a]!.name + ".";
        return;
      case K.Take: {
        // Deletes inReceptacle(o, r) and objectAtLocation(o, here) only, as the domain does.
        const i = HEADER + a * lay.w + (b >>> 4);
        buf[i] = buf[i]! & ~(1 << (b & 15));
        if (buf[lay.loc + a] === buf[0]! + 1) buf[lay.loc + a] = 0;
        buf[1] = a + 1;
        this.feedback = "You pick up the " + O[a]!.name + " from the " + R[b]!.name + ".";
        return;
      }
      case K.Put: {
        const i = HEADER + a * lay.w + (b >>> 4);
        buf[i] = buf[i]! | (1 << (b & 15));
        buf[lay.loc + a] = R[b]!.loc + 1;
        buf[lay.flags + a] = buf[lay.flags + a]! | F_MOVED;
        buf[1] = 0;
        this.feedback =
          scene.grammar === "classic"
            ? "You put the " + O[a]!.name + " in/on the " + R[b]!.name + "."
            : "You move the " + O[a]!.name + " to the " + R[b]!.name + ".";
        return;
      }
      case K.ExamineRec:
        this.feedback = examineRec(this, a);
        return;
      case K.ExamineObj:
        this.feedback = examineObj(this, a);
        return;
      case K.Use: {
        const i = lay.flags + a;
        buf[i] = (buf[i]! ^ F_ON) | F_TOGGLED;
        // isToggled is set by every use, so the grammar always reports turning it on.
        this.feedback = "You turn on the " + O[a]!.name + ".";
        return;
      }
      case K.Heat: {
        const i = lay.flags + a;
        buf[i] = (buf[i]! | F_HOT) & ~F_COOL;
        this.feedback = "You heat the " + O[a]!.name + " using the " + R[b]!.name + ".";
        return;
      }
      case K.Clean: {
        const i = lay.flags + a;
        buf[i] = buf[i]! | F_CLEAN;
        this.feedback = "You clean the " + O[a]!.name + " using the " + R[b]!.name + ".";
        return;
      }
      case K.Cool: {
        const i = lay.flags + a;
        buf[i] = (buf[i]! | F_COOL) & ~F_HOT;
        this.feedback = "You cool the " + O[a]!.name + " using the " + R[b]!.name + ".";
        return;
      }
      case K.Slice: {
        const i = lay.flags + a;
        buf[i] = buf[i]! | F_SLICED;
        this.feedback = "You sliced the " + O[a]!.name + " with the " + O[b]!.name + ".";
        return;
      }
    }
  }

  /** The command text of a grounded action code. */
  text(c: number): string {
    return commandText(this.scene, this.cache, c);
  }

  /** Whether the scene's goal holds now. */
  won(): boolean {
    const test = this.scene.goalTest;
    return test ? test(this) : goalHolds(this);
  }

  /** Checks the buffer's values against the scene (for decoded states). */
  static validate(scene: Scene, buf: Uint16Array): string | undefined {
    const nO = scene.objs.length;
    const nR = scene.recs.length;
    const nL = scene.locNames.length;
    const lay = layout(nO, nR);
    if (buf.length !== bufferSize(nO, nR)) return `state has ${buf.length} words, the scene needs ${bufferSize(nO, nR)}`;
    if (buf[0]! >= nL) return `agent location ${buf[0]} out of range`;
    if (buf[1]! > nO) return `held object ${buf[1]! - 1} out of range`;
    // Bits past the last receptacle must be clear.
    const spare = nR & 15 ? 0xffff & ~((1 << (nR & 15)) - 1) : 0;
    for (let o = 0; o < nO; o++) {
      if (spare && buf[HEADER + o * lay.w + lay.w - 1]! & spare) return `object ${o} is in a receptacle out of range`;
      if (buf[lay.loc + o]! > nL) return `object ${o} is at location ${buf[lay.loc + o]! - 1}, out of range`;
      if (buf[lay.flags + o]! > 127) return `object ${o} has invalid flags`;
    }
    for (let r = 0; r < nR; r++) if (buf[lay.open + r]! > 1) return `receptacle ${r} has an invalid open flag`;
    return undefined;
  }
}

function mergeSorted(a: string[], b: string[]): string[] {
  const out: string[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) out[k++] = a[i++]!;
    else if (y < x) out[k++] = b[j++]!;
    else {
      out[k++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  out.length = k;
  // De-duplicate (examine of an object can be produced twice in loaded scenes).
  let w = 1;
  for (let r = 1; r < k; r++) if (out[r] !== out[w - 1]) out[w++] = out[r]!;
  out.length = Math.min(w, k);
  return out;
}

/** "On the r, you see ..." / "The r is open. In it, ..." / "The r is closed." */
export function examineRec(w: World, r: number): string {
  const rec = w.scene.recs[r]!;
  if (rec.openable) {
    if (!w.isOpen(r)) return "The " + rec.name + " is closed.";
    return "The " + rec.name + " is open. In it, you see " + contents(w, r) + ".";
  }
  return "On the " + rec.name + ", you see " + contents(w, r) + ".";
}

function contents(w: World, r: number): string {
  const items: string[] = [];
  const order = w.scene.objOrder;
  const objs = w.scene.objs;
  for (let i = 0; i < order.length; i++) {
    const o = order[i]!;
    if (w.inRec(o, r)) items.push("a " + objs[o]!.name);
  }
  return listText(items);
}

export function examineObj(w: World, o: number): string {
  const obj = w.scene.objs[o]!;
  const f = w.objFlags(o);
  const n = obj.name;
  if (obj.props & P_RECEPTACLE_OBJECT) return "This is a normal " + n + ". In it, you see nothing.";
  const clean = f & F_CLEAN;
  const hot = f & F_HOT;
  const cool = f & F_COOL;
  const sliced = f & F_SLICED;
  if (clean && hot && sliced) return "This is a hot and clean sliced " + n + ".";
  if (clean && cool && sliced) return "This is a cool and clean sliced " + n + ".";
  if (clean && sliced) return "This is a clean sliced " + n + ".";
  if (hot && sliced) return "This is a hot sliced " + n + ".";
  if (cool && sliced) return "This is a cool sliced " + n + ".";
  if (clean && hot) return "This is a hot and clean " + n + ".";
  if (clean && cool) return "This is a cool and clean " + n + ".";
  if (hot) return "This is a hot " + n + ".";
  if (clean) return "This is a clean " + n + ".";
  if (cool) return "This is a cold " + n + ".";
  if (obj.props & P_TOGGLEABLE) return "This " + n + " is " + (f & F_TOGGLED ? "on" : "off") + ".";
  if (obj.props & P_SLICEABLE && sliced) return "This is a sliced " + n + ".";
  return "There's nothing special about " + n + ".";
}

/**
 * The look text. Bound to the agent's location (the look action): at a receptacle,
 * "You are facing the ... Next to it, you see ..."; elsewhere the receptacles *at that
 * location* are listed, which in the middle of the room is none. The intro renders the
 * same rule unbound, so it lists every receptacle.
 */
export function lookText(w: World, bound: boolean): string {
  const { scene } = w;
  const l = w.agentLoc();
  const here = scene.recsAtLoc[l] ?? [];
  if (here.length > 0) {
    const names = here.map((r) => scene.recs[r]!.name);
    const loose: string[] = [];
    // The grammar lists objects at this location that are not in some receptacle here;
    // only objects whose location fact an effect set can qualify (see F_MOVED).
    for (const o of scene.objOrder) {
      if (w.objLoc(o) !== l || !(w.objFlags(o) & F_MOVED)) continue;
      if (here.some((x) => !w.inRec(o, x))) loose.push("a " + scene.objs[o]!.name);
    }
    return "You are facing the " + listText(names) + ". Next to it, you see " + listText(loose) + ".";
  }
  const recs = bound ? [] : scene.recOrder.map((r) => "a " + scene.recs[r]!.name);
  return "You are in the middle of a room. Looking quickly around you, you see " + listText(recs) + ".";
}

export function intro(w: World): string {
  return INTRO_BANNER + "\n\n" + lookText(w, false) + "\n\n" + "Your task is to: " + w.scene.taskText + ".";
}

/** The typed goal check (generated scenes). */
export function goalHolds(w: World): boolean {
  const g = w.scene.goal;
  if (!g) return false;
  const { scene } = w;
  const objs = scene.objs;
  const nO = objs.length;
  switch (g.type) {
    case "look_at_obj_in_light": {
      const h = w.held();
      if (h < 0 || objs[h]!.type !== g.obj) return false;
      const l = w.agentLoc();
      for (let o = 0; o < nO; o++) {
        const ob = objs[o]!;
        if (ob.type === g.lamp && ob.props & P_TOGGLEABLE && w.objFlags(o) & F_TOGGLED && w.objLoc(o) === l) return true;
      }
      return false;
    }
    case "pick_two_obj_and_place": {
      const seen = new Int32Array(scene.recs.length);
      for (let o = 0; o < nO; o++) {
        if (objs[o]!.type !== g.obj) continue;
        for (let r = 0; r < scene.recs.length; r++) if (w.inRec(o, r) && scene.recs[r]!.type === g.recep && ++seen[r]! >= 2) return true;
      }
      return false;
    }
    default: {
      const need =
        g.type === "pick_clean_then_place_in_recep" ? F_CLEAN : g.type === "pick_heat_then_place_in_recep" ? F_HOT : g.type === "pick_cool_then_place_in_recep" ? F_COOL : 0;
      for (let o = 0; o < nO; o++) {
        if (objs[o]!.type !== g.obj) continue;
        if ((w.objFlags(o) & need) !== need) continue;
        for (let r = 0; r < scene.recs.length; r++) if (w.inRec(o, r) && scene.recs[r]!.type === g.recep) return true;
      }
      return false;
    }
  }
}
