// dynamind view: lists recordings and ReSim datasets, steps through an episode, draws
// a search tree. Everything comes from this server; text from files is only ever
// set as textContent (never parsed as HTML), since a file is not trusted markup.

const SVG = "http://www.w3.org/2000/svg";
const $ = (sel, root = document) => root.querySelector(sel);

/** Builds an element: el("div", {class: "x"}, child, "text"). */
function el(tag, attrs = {}, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c instanceof Node ? c : String(c));
  return node;
}

const fileUrl = (root, path) => `/api/file?root=${root}&path=${encodeURIComponent(path)}`;
const dirOf = (path) => (path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "");
const status = (text) => ($("#status").textContent = text);
const short = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const actionText = (a) => (typeof a === "string" ? a : JSON.stringify(a));

async function fetchJsonl(root, path) {
  const res = await fetch(fileUrl(root, path));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.text())
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
}

// ---- the file list --------------------------------------------------------------------------

let files = [];

async function loadList() {
  const res = await fetch("/api/list");
  const { roots, files: listed } = await res.json();
  files = listed;
  for (const kind of ["recording", "resim"]) {
    const ul = $(kind === "recording" ? "#recordings" : "#datasets");
    ul.replaceChildren();
    const mine = files.filter((f) => f.kind === kind);
    if (mine.length === 0) ul.append(el("li", { class: "hint" }, "none"));
    for (const f of mine) {
      const label = kind === "recording" ? `${f.env} · seed ${f.seed}` : `${f.env} · ${Math.round(f.bytes / 1024)} KB`;
      ul.append(
        el(
          "li",
          {},
          el("button", { "data-kind": kind, "data-root": f.root, "data-path": f.path, onclick: () => open(f) }, label, el("small", {}, `${roots[f.root]}/${f.path}`)),
        ),
      );
    }
  }
  status(`${files.length} files`);
}

function markActive(f) {
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b.dataset.root === String(f.root) && b.dataset.path === f.path);
}

async function open(f, at = 0) {
  markActive(f);
  status(`loading ${f.path}…`);
  try {
    const lines = await fetchJsonl(f.root, f.path);
    if (f.kind === "recording") showRecording(f, lines, at);
    else showDataset(f, lines, at);
    status(f.path);
  } catch (err) {
    status(String(err.message ?? err));
  }
}

function setHash(f, at) {
  history.replaceState(null, "", `#root=${f.root}&path=${encodeURIComponent(f.path)}&at=${at}`);
}

// ---- a recording ----------------------------------------------------------------------------

function showRecording(f, lines, start) {
  const [header, ...events] = lines;
  const main = $("#main");
  const scrub = el("input", { type: "range", id: "scrub", min: 0, max: events.length - 1, value: 0 });
  const label = el("span", { id: "event-label" });
  const view = el("div", { class: "episode" });
  let at = 0;
  const go = (i) => {
    at = Math.max(0, Math.min(events.length - 1, i));
    scrub.value = String(at);
    label.textContent = `event ${at} / ${events.length - 1}`;
    view.replaceChildren(...renderEvent(f, header, events, at));
    setHash(f, at);
  };
  scrub.addEventListener("input", () => go(Number(scrub.value)));
  main.replaceChildren(
    el("h2", { class: "title" }, f.path),
    el("div", { class: "meta" }, `${header.env} ${header.envVersion ?? ""} · seed ${header.seed} · config ${JSON.stringify(header.config)}${header.options ? ` · options ${JSON.stringify(header.options)}` : ""} · ${header.startedAt}`),
    el(
      "div",
      { class: "controls" },
      el("button", { id: "prev", onclick: () => go(at - 1), title: "previous (←)" }, "◀"),
      el("button", { id: "next", onclick: () => go(at + 1), title: "next (→)" }, "▶"),
      scrub,
      label,
    ),
    view,
  );
  keys = (e) => {
    if (e.key === "ArrowRight") go(at + 1);
    else if (e.key === "ArrowLeft") go(at - 1);
  };
  go(start);
}

/** The state shown at event i: its result, or (for a refused step) the last state before it. */
function stateAt(events, i) {
  for (let k = i; k >= 0; k--) if (events[k].result) return events[k].result;
  return undefined;
}

function renderEvent(f, header, events, i) {
  const e = events[i];
  const result = stateAt(events, i);
  const obs = result?.observation;
  const left = el("div", {});
  if (obs?.image) left.append(frame(f, header, obs));
  if (obs?.text) left.append(el("pre", { id: "obs-text", class: header.env === "sokoban" ? "grid" : "" }, obs.text));
  const facts = el("table", { class: "facts", id: "facts" });
  const row = (k, v, cls) => facts.append(el("tr", {}, el("th", {}, k), el("td", { class: cls }, v)));
  row("event", e.type === "restore" ? `restore to event ${e.to} (undo)` : e.type);
  if (e.type === "step") row("action", actionText(e.action));
  if (e.error) row("refused", `${e.error.reason}: ${e.error.message}`, "refused");
  if (e.result) {
    row("reward", String(e.result.reward));
    row("step index", String(e.result.stepIndex));
    row("terminated / truncated", `${e.result.terminated} / ${e.result.truncated}`);
    row("info", JSON.stringify(e.result.info));
    if (obs.validActions.length) row("valid actions", short(obs.validActions.join(" | "), 400));
    row("fingerprint", obs.fingerprint);
  }
  row("time", `${e.ms} ms (at ${(e.at / 1000).toFixed(2)} s)`);
  const right = el("div", {}, facts);
  if (obs?.uiElements?.length) {
    right.append(
      el(
        "details",
        {},
        el("summary", {}, `${obs.uiElements.length} UI elements`),
        el("pre", {}, obs.uiElements.map((u, k) => `${k}: ${u.className.split(".").pop()} ${JSON.stringify(u.text || u.contentDescription || u.resourceName)}`).join("\n")),
      ),
    );
  }
  return [left, right];
}

/** The screenshot, with each UI element's bounds outlined and numbered as the agent indexes them. */
function frame(f, header, obs) {
  const { image, uiElements } = obs;
  const img = el("img", { src: fileUrl(f.root, dirOf(f.path) + image.file), alt: "observation", class: header.env === "sokoban" ? "sokoban" : image.height > image.width ? "phone" : "" });
  const box = el("div", { class: "frame" }, img);
  const boxes = uiElements.filter((u) => u.bboxPixels && u.bboxPixels.xMax > u.bboxPixels.xMin);
  if (boxes.length) {
    const k = screenScale(image, boxes);
    const [w, h] = [image.width * k, image.height * k];
    const svg = el("svg:svg", { viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: "none", class: "bounds" });
    uiElements.forEach((u, i) => {
      const b = u.bboxPixels;
      if (!b || b.xMax <= b.xMin) return;
      svg.append(
        el(
          "svg:rect",
          { x: b.xMin, y: b.yMin, width: b.xMax - b.xMin, height: b.yMax - b.yMin, "stroke-width": h / 400, "data-index": i },
          el("svg:title", {}, `${i}: ${u.text || u.contentDescription}`),
        ),
      );
      svg.append(el("svg:text", { x: b.xMin + h / 200, y: b.yMin + h / 45, "font-size": h / 45 }, String(i)));
    });
    box.append(svg);
  }
  return box;
}

/**
 * Device pixels per screenshot pixel. Element bounds are in device pixels and a
 * screenshot may be smaller (android-web sends 360×800 of a 1080×2400 screen by
 * default) with the same aspect ratio; the protocol does not state the screen size,
 * so it is the whole factor that makes the bounds fit (a status bar or full-width
 * element reaches past two thirds of the width on every Android screen).
 */
function screenScale(image, boxes) {
  const reach = Math.max(...boxes.map((u) => Math.max(u.bboxPixels.xMax / image.width, u.bboxPixels.yMax / image.height)));
  return Math.max(1, Math.ceil(reach - 0.05));
}

// ---- a ReSim dataset ------------------------------------------------------------------------

function showDataset(f, examples, start) {
  const list = el("div", { class: "examples" });
  const detail = el("div", {});
  const pick = (i) => {
    for (const b of list.querySelectorAll("button")) b.classList.toggle("active", b.dataset.index === String(i));
    detail.replaceChildren(...renderExample(examples[i]));
    setHash(f, i);
  };
  examples.forEach((ex, i) => {
    const m = ex.metadata;
    const end = m.episodeEnd ? (m.episodeSuccess ? " ✓" : " ✗") : "";
    list.append(el("button", { "data-index": i, onclick: () => pick(i) }, `seed ${m.seed} · step ${m.step}${end}`, el("small", {}, `→ ${short(String(m.action), 40)} · ${m.tree.length} plans`)));
  });
  $("#main").replaceChildren(el("h2", { class: "title" }, f.path), el("div", { class: "meta" }, `${examples.length} examples`), el("div", { class: "dataset" }, list, detail));
  keys = (e) => {
    const cur = Number(list.querySelector("button.active")?.dataset.index ?? 0);
    if (e.key === "ArrowDown" || e.key === "ArrowRight") pick(Math.min(examples.length - 1, cur + 1));
    else if (e.key === "ArrowUp" || e.key === "ArrowLeft") pick(Math.max(0, cur - 1));
  };
  pick(Math.min(start, examples.length - 1));
}

/** The actions of the plan the response chose: its <plan id=N> block, N = metadata.chosenPlan. */
function chosenActions(ex) {
  const response = ex.messages.findLast((m) => m.role === "assistant")?.content ?? "";
  for (const m of response.matchAll(/<plan id=(\d+)[^>]*>([\s\S]*?)<\/plan>/g)) {
    if (Number(m[1]) === ex.metadata.chosenPlan) return [...m[2].matchAll(/<action>([\s\S]*?)<\/action>/g)].map((a) => a[1]);
  }
  return undefined;
}

function renderExample(ex) {
  const m = ex.metadata;
  const chosen = chosenActions(ex);
  const facts = el("table", { class: "facts" });
  const row = (k, v) => facts.append(el("tr", {}, el("th", {}, k), el("td", {}, v)));
  row("episode", `${m.env} · seed ${m.seed} · step ${m.step}${m.episodeEnd ? ` · last step, ${m.episodeSuccess ? "success" : "failure"}` : ""}`);
  row("action taken", String(m.action));
  row("chosen plan", chosen ? `plan ${m.chosenPlan}: ${chosen.join(" → ")}` : `plan ${m.chosenPlan}`);
  row("search", `b=${m.b} d=${m.d} horizon=${m.horizon} · policy ${m.policy} · value ${m.value} · ${Math.round((m.searchSuccess ?? 0) * 100)}% of trajectories succeeded`);
  const prompt = ex.messages.findLast((x) => x.role === "user")?.content ?? "";
  const response = ex.messages.findLast((x) => x.role === "assistant")?.content ?? "";
  return [
    el("div", { class: "legend" }, el("span", { class: "swatch" }), "the chosen plan · node colour: value (grey 0 → green 1) · v = value, s/n = successes / rollouts through the plan's last state"),
    tree(m.tree, chosen ?? [String(m.action)]),
    facts,
    el("details", { open: true }, el("summary", {}, "prompt (last message)"), el("pre", { class: m.env === "sokoban" ? "grid" : "" }, prompt)),
    el("details", {}, el("summary", {}, "response"), el("pre", {}, response)),
  ];
}

/**
 * The plans as the prefix tree they came from: root = the current state, one node
 * per distinct action path, each plan's last node labelled with its value.
 */
function tree(plans, chosen) {
  const root = { label: "now", children: new Map(), plans: [], depth: 0 };
  for (const p of plans) {
    let at = root;
    for (const a of p.actions) {
      if (!at.children.has(a)) at.children.set(a, { label: a, children: new Map(), plans: [], depth: at.depth + 1 });
      at = at.children.get(a);
    }
    at.plans.push(p);
  }
  // The chosen plan's path (a prefix match: the response lists the same actions).
  let on = root;
  on.chosen = true;
  for (const a of chosen) {
    on = on.children.get(a);
    if (!on) break;
    on.chosen = true;
  }
  const COL = 170;
  const ROW = 34;
  let leaves = 0;
  let maxDepth = 0;
  const place = (n) => {
    maxDepth = Math.max(maxDepth, n.depth);
    n.x = 30 + n.depth * COL;
    const kids = [...n.children.values()];
    if (kids.length === 0) n.y = 24 + ROW * leaves++;
    else {
      kids.forEach(place);
      n.y = (kids[0].y + kids.at(-1).y) / 2;
    }
  };
  place(root);
  const width = 30 + maxDepth * COL + 190;
  const height = Math.max(60, 24 + ROW * leaves);
  const svg = el("svg:svg", { class: "tree", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "search tree" });
  const edges = el("svg:g", {});
  const nodes = el("svg:g", {});
  const draw = (n) => {
    for (const c of n.children.values()) {
      const mid = (n.x + c.x) / 2;
      edges.append(el("svg:path", { class: `edge${c.chosen ? " chosen" : ""}`, d: `M${n.x},${n.y} C${mid},${n.y} ${mid},${c.y} ${c.x},${c.y}` }));
      draw(c);
    }
    const best = n.plans.reduce((b, p) => (b === undefined || p.value > b.value ? p : b), undefined);
    const g = el("svg:g", { class: `node${n.chosen ? " chosen" : ""}`, transform: `translate(${n.x},${n.y})` });
    g.append(el("svg:circle", { r: n.depth === 0 ? 7 : 6, fill: best ? valueColour(best.value) : "#e5e7eb" }));
    g.append(el("svg:text", { x: 10, y: -6 }, short(n.label, 26)));
    if (best) g.append(el("svg:text", { class: "value", x: 10, y: 12 }, `v=${best.value.toFixed(2)} · ${best.successes}/${best.visits}`));
    nodes.append(g);
  };
  draw(root);
  svg.append(edges, nodes);
  return el("div", { class: "tree" }, svg);
}

function valueColour(v) {
  const t = Math.max(0, Math.min(1, v));
  const mix = (a, b) => Math.round(a + (b - a) * t);
  return `rgb(${mix(209, 47)},${mix(213, 158)},${mix(219, 68)})`;
}

// ---- start ----------------------------------------------------------------------------------

let keys = () => {};
document.addEventListener("keydown", (e) => keys(e));

await loadList();
// A link to a file (and an event or example in it): #root=0&path=a.jsonl&at=3.
const hash = new URLSearchParams(location.hash.slice(1));
if (hash.has("path")) {
  const f = files.find((x) => String(x.root) === hash.get("root") && x.path === hash.get("path"));
  if (f) await open(f, Number(hash.get("at") ?? 0));
}
document.body.dataset.ready = "true";
