/*
 * The browser-hosted Android device: a phone-shaped single-page app.
 *
 * All device state lives in one JSON object (S). The DOM is a pure function of S
 * (render()), so capture/restore is JSON in and out, and equal states render equal
 * pixels. Time is virtual (S.time, frozen at 2023-10-15 15:34 UTC like AndroidWorld's
 * devices) and advances only when the host says so (1 s per action, `wait`), so
 * nothing changes on screen between actions.
 *
 * Input arrives like on a phone: mouse events at coordinates (tap, double tap,
 * swipe), system keys (back, home) and text typed into the focused field. The host
 * reads the screen with __dev.tree(): every view node in tree order with its box.
 *
 * Plain browser JavaScript, no build step, no network.
 */
(() => {
  "use strict";
  const SCALE = 3; // CSS px → screen px (360×800 → 1080×2400)
  const START_TIME = Date.UTC(2023, 9, 15, 15, 34, 0);

  const APPS = [
    { id: "contacts", name: "Contacts", pkg: "com.google.android.contacts", glyph: "C", color: "#1a73e8", aliases: ["contacts", "google contacts"] },
    { id: "clock", name: "Clock", pkg: "com.google.android.deskclock", glyph: "◷", color: "#5f6368", aliases: ["clock", "deskclock"] },
    { id: "markor", name: "Markor", pkg: "net.gsantner.markor", glyph: "M", color: "#388e3c", aliases: ["markor", "notes"] },
    { id: "sms", name: "Simple SMS Messenger", pkg: "com.simplemobiletools.smsmessenger", glyph: "✉", color: "#0288d1", aliases: ["simple sms messenger", "simple sms", "sms", "messages", "messaging"] },
    { id: "settings", name: "Settings", pkg: "com.android.settings", glyph: "⚙", color: "#455a64", aliases: ["settings", "system settings"] },
    { id: "expense", name: "Pro Expense", pkg: "com.arduia.expense", glyph: "$", color: "#f57c00", aliases: ["pro expense", "arduia pro expense", "expense", "expenses"] },
    { id: "calendar", name: "Simple Calendar Pro", pkg: "com.simplemobiletools.calendar.pro", glyph: "▦", color: "#d32f2f", aliases: ["simple calendar pro", "simple calendar", "calendar"] },
    { id: "tasks", name: "Tasks", pkg: "org.tasks", glyph: "✓", color: "#7b1fa2", aliases: ["tasks", "tasks.org"] },
    { id: "files", name: "Files", pkg: "com.google.android.documentsui", glyph: "▤", color: "#00796b", aliases: ["files", "file manager", "documentsui"] },
  ];
  const APP_BY_ID = Object.fromEntries(APPS.map((a) => [a.id, a]));
  const LAUNCHER_PKG = "com.google.android.apps.nexuslauncher";

  /** A fresh device: empty apps, home screen. Tasks replace parts of it. */
  function blankState() {
    return {
      time: START_TIME,
      stack: [{ s: "home" }],
      dialog: null,
      focus: null,
      forms: {},
      scroll: {},
      clipboard: "",
      settings: { wifi: true, bluetooth: false, brightness: 50 },
      contacts: [],
      clock: { tab: "alarm", alarms: [], timer: { digits: "", running: false, endsAt: 0 }, stopwatch: { running: false, base: 0, startedAt: 0 } },
      notes: [],
      markorFolders: [],
      sms: [],
      expenses: [],
      calendar: [],
      tasks: [],
      files: [],
      nextId: 1,
    };
  }

  let S = blankState();
  const phone = document.getElementById("phone");

  // ---------- small helpers ----------
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const pad2 = (n) => String(n).padStart(2, "0");
  const top = () => S.stack[S.stack.length - 1];
  const dayName = (iso) => ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][new Date(iso + "T00:00:00Z").getUTCDay()];
  const today = () => new Date(S.time).toISOString().slice(0, 10);
  const clockText = (t) => { const d = new Date(t); return pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes()); };
  const money = (cents) => "$" + (cents / 100).toFixed(2);
  const form = (k, dflt = "") => (k in S.forms ? S.forms[k] : dflt);
  const newId = () => S.nextId++;

  function a(o) {
    // attributes: {cls, id, desc, act, arg, long, larg, sel, checked, role, glyph, scroll, pkg}
    let s = "";
    if (o.cls) s += ` data-cls="${esc(o.cls)}"`;
    if (o.id) s += ` data-id="${esc(o.id)}"`;
    if (o.desc) s += ` aria-label="${esc(o.desc)}"`;
    if (o.act) s += ` data-act="${esc(o.act)}"`;
    if (o.arg !== undefined) s += ` data-arg="${esc(o.arg)}"`;
    if (o.long) s += ` data-long="${esc(o.long)}"`;
    if (o.larg !== undefined) s += ` data-larg="${esc(o.larg)}"`;
    if (o.sel) s += ` data-selected="1"`;
    if (o.role) s += ` role="${o.role}"`;
    if (o.checked !== undefined) s += ` aria-checked="${o.checked ? "true" : "false"}"`;
    if (o.glyph) s += ` data-glyph="${esc(o.glyph)}"`;
    if (o.scroll) s += ` data-scroll="${esc(o.scroll)}"`;
    if (o.pkg) s += ` data-pkg="${esc(o.pkg)}"`;
    return s;
  }
  const tv = (text, cls = "", o = {}) => `<div class="${cls}"${a({ cls: "android.widget.TextView", ...o })}>${esc(text)}</div>`;
  const btn = (text, act, arg, cls = "btn", o = {}) => `<button class="${cls}"${a({ cls: "android.widget.Button", act, arg, ...o })}>${esc(text)}</button>`;
  const ibtn = (desc, glyph, act, arg, o = {}) => `<button class="iconbtn"${a({ cls: "android.widget.ImageButton", desc, glyph, act, arg, ...o })}></button>`;
  const fab = (desc, act, arg) => `<button class="fab"${a({ cls: "android.widget.ImageButton", desc, glyph: "+", act, arg, id: "fab" })}></button>`;
  const sw = (on, act, arg, id) => `<button class="switch${on ? " on" : ""}"${a({ cls: "android.widget.Switch", role: "switch", checked: on, act, arg, id })}></button>`;
  const cb = (on, act, arg, id) => `<button class="checkbox${on ? " on" : ""}"${a({ cls: "android.widget.CheckBox", role: "checkbox", checked: on, act, arg, id, glyph: on ? "✓" : "" })}></button>`;
  function field(key, hint, opts = {}) {
    const v = form(key, opts.value ?? "");
    const tag = opts.multiline ? "textarea" : "input";
    const common = ` data-field="${esc(key)}" placeholder="${esc(hint)}"${a({ cls: "android.widget.EditText", id: opts.id ?? key, act: "focus", arg: key, long: "fieldMenu", larg: key })}${opts.enter ? ` data-enter="${esc(opts.enter)}"` : ""}`;
    return `<label class="field"${a({ cls: "android.widget.FrameLayout" })}>${tag === "input" ? `<input${common} value="${esc(v)}">` : `<textarea${common}>${esc(v)}</textarea>`}</label>`;
  }
  function appbar(title, { back = true, actions = "" } = {}) {
    return `<div class="appbar"${a({ cls: "android.view.ViewGroup", id: "toolbar" })}>${back ? ibtn("Navigate up", "←", "up") : ""}${tv(title, "title", { id: "toolbar_title" })}${actions}</div>`;
  }
  const list = (key, inner, extra = "") => `<div class="scroll"${a({ cls: "androidx.recyclerview.widget.RecyclerView", scroll: key, id: "list" })}><div${a({ cls: "android.widget.LinearLayout" })}>${inner}</div></div>${extra}`;
  function row(primary, secondary, o = {}) {
    const col = `<div class="col"${a({ cls: "android.widget.LinearLayout" })}>${tv(primary, "primary", { id: o.pid ?? "title" })}${secondary ? tv(secondary, "secondary", { id: o.sid ?? "subtitle" }) : ""}</div>`;
    return `<div class="row${o.sel ? " selected" : ""}"${a({ cls: "android.widget.LinearLayout", act: o.act, arg: o.arg, long: o.long, larg: o.larg, sel: o.sel })}>${o.before ?? ""}${col}${o.after ?? ""}</div>`;
  }
  function dialogHtml(title, text, inner, buttons) {
    return `<div class="dialog-scrim"${a({ cls: "android.widget.FrameLayout" })}><div class="dialog"${a({ cls: "android.widget.LinearLayout", id: "dialog" })}>${tv(title, "dtitle", { id: "alertTitle" })}${text ? tv(text, "dtext", { id: "message" }) : ""}${inner}<div class="btnrow" style="justify-content:flex-end">${buttons}</div></div></div>`;
  }

  // ---------- navigation ----------
  function push(s, extra = {}) { S.stack.push({ s, ...extra }); S.focus = null; S.dialog = null; }
  function replaceTop(s, extra = {}) { S.stack[S.stack.length - 1] = { s, ...extra }; S.focus = null; S.dialog = null; }
  function pop() {
    S.focus = null;
    if (S.stack.length > 1) S.stack.pop();
  }
  function goHome() { S.stack = [{ s: "home" }]; S.focus = null; S.dialog = null; }
  function openApp(id) { goHome(); S.stack.push({ s: id + ".main" }); }
  function clearForms(prefix) { for (const k of Object.keys(S.forms)) if (k.startsWith(prefix)) delete S.forms[k]; }

  /** Leaving a screen the way its up/back button does (some screens save on the way out). */
  function leave() {
    const t = top();
    if (t.s === "markor.edit") saveNote();
    if (t.sel && t.sel.length) { t.sel = []; return; }
    pop();
  }

  // ---------- actions (clicks) ----------
  const ACT = {
    up: () => leave(),
    open: (id) => openApp(id),
    push: (s) => push(s),
    focus: (key) => { S.focus = key; },
    toggle: (k) => { S.settings[k] = !S.settings[k]; },
    seek: (_arg, el, ev) => {
      const r = el.getBoundingClientRect();
      let v = Math.round(((ev.clientX - r.left) / r.width) * 100);
      if (v <= 2) v = 0;
      if (v >= 98) v = 100;
      S.settings.brightness = Math.max(0, Math.min(100, v));
    },
    dialogCancel: () => { S.dialog = null; S.focus = null; },
    fieldCopy: (key) => { S.clipboard = form(key); S.dialog = S.dialog && S.dialog.prev; S.focus = key; },
    fieldPaste: (key) => { S.forms[key] = form(key) + S.clipboard; S.dialog = S.dialog && S.dialog.prev; S.focus = key; },
    fieldMenuClose: () => { S.dialog = S.dialog && S.dialog.prev; },
    // clock
    clockTab: (tab) => { S.clock.tab = tab; S.focus = null; },
    alarmNew: () => { clearForms("al_"); push("clock.alarmEdit"); },
    alarmSave: () => {
      const h = Number(form("al_hour")), m = Number(form("al_minute"));
      if (!(Number.isInteger(h) && h >= 0 && h < 24 && Number.isInteger(m) && m >= 0 && m < 60) || form("al_hour") === "" || form("al_minute") === "") { S.dialog = { kind: "msg", title: "Invalid time", text: "Enter an hour 0-23 and a minute 0-59." }; return; }
      S.clock.alarms.push({ id: newId(), hour: h, minute: m, label: form("al_label"), enabled: true });
      S.clock.alarms.sort((x, y) => x.hour * 60 + x.minute - (y.hour * 60 + y.minute) || x.id - y.id);
      clearForms("al_");
      pop();
    },
    alarmToggle: (id) => { const al = S.clock.alarms.find((x) => x.id === Number(id)); if (al) al.enabled = !al.enabled; },
    digit: (d) => { const t = S.clock.timer; if (!t.running && t.digits.length < 6 && !(t.digits === "" && d === "0")) t.digits += d; },
    digitDel: () => { const t = S.clock.timer; if (!t.running) t.digits = t.digits.slice(0, -1); },
    timerStart: () => { const t = S.clock.timer; const secs = timerSeconds(t.digits); if (secs > 0) { t.running = true; t.endsAt = S.time + secs * 1000; } },
    timerStop: () => { const t = S.clock.timer; t.running = false; t.digits = ""; t.endsAt = 0; },
    swToggle: () => { const w = S.clock.stopwatch; if (w.running) { w.base += S.time - w.startedAt; w.running = false; } else { w.running = true; w.startedAt = S.time; } },
    swReset: () => { S.clock.stopwatch = { running: false, base: 0, startedAt: 0 }; },
    swLap: () => { const w = S.clock.stopwatch; if (w.running) (w.laps = w.laps || []).push(w.base + S.time - w.startedAt); },
    // contacts
    contactNew: () => { clearForms("c_"); push("contacts.edit"); },
    contactLabel: (l) => { S.forms.c_label = l; },
    contactSave: () => {
      const first = form("c_first").trim(), last = form("c_last").trim(), phone = form("c_phone").trim();
      if (!first && !last && !phone) { pop(); return; }
      const c = { id: newId(), first, last, phone, label: form("c_label", "Mobile") };
      S.contacts.push(c);
      clearForms("c_");
      replaceTop("contacts.view", { id: c.id });
    },
    contactOpen: (id) => push("contacts.view", { id: Number(id) }),
    contactDelete: (id) => { S.dialog = { kind: "confirm", title: "Delete contact?", text: "This contact will be deleted.", ok: "contactDeleteOk", arg: id }; },
    contactDeleteOk: (id) => { S.contacts = S.contacts.filter((c) => c.id !== Number(id)); S.dialog = null; pop(); },
    // markor
    noteNew: () => { clearForms("mk_"); S.dialog = { kind: "markorNew" }; S.focus = "mk_name"; },
    noteNewOk: () => {
      let name = form("mk_name").trim();
      if (!name) return;
      if (!/\.[a-z0-9]+$/i.test(name)) name += ".md";
      if (top().path) name = top().path + "/" + name;
      if (!S.notes.some((n) => n.name === name)) S.notes.push({ name, content: "", mtime: S.time });
      clearForms("mk_");
      openNote(name);
    },
    noteOpen: (name) => {
      const t = top();
      if (t.sel && t.sel.length) { toggleSel(t, name); return; }
      openNote(name);
    },
    noteSave: () => saveNote(),
    selSelectAll: () => { const t = top(); t.sel = t.s === "markor.main" ? S.notes.filter((n) => inDir(n.name, t.path || "")).map((n) => n.name) : filesIn(t.path).map((f) => f.name); },
    // Markor folders: note names carry their folder ("BookNotes/a.md"); empty folders are listed in S.markorFolders.
    markorDir: (path) => push("markor.main", { path, sel: [] }),
    markorFolderNew: () => { clearForms("mk_"); S.dialog = { kind: "markorFolder" }; S.focus = "mk_folder"; },
    markorFolderOk: () => {
      const name = form("mk_folder").trim();
      if (!name || name.includes("/")) return;
      const full = (top().path ? top().path + "/" : "") + name;
      S.markorFolders = S.markorFolders || [];
      if (!markorDirsAll().includes(full)) S.markorFolders.push(full);
      clearForms("mk_");
      S.dialog = null;
    },
    markorMove: () => { S.dialog = { kind: "markorMoveTo" }; },
    markorMoveTo: (dest) => {
      const t = top();
      for (const n of S.notes) {
        if (!t.sel.includes(n.name)) continue;
        const to = (dest ? dest + "/" : "") + baseName(n.name);
        if (!S.notes.some((x) => x.name === to)) n.name = to;
      }
      t.sel = [];
      S.dialog = null;
    },
    selDelete: () => { const t = top(); S.dialog = { kind: "confirm", title: "Delete", text: `Delete ${t.sel.length} item(s)?`, ok: "selDeleteOk" }; },
    selMove: () => { S.dialog = { kind: "moveTo" }; },
    selMoveTo: (dest) => {
      const t = top();
      if (dest !== t.path) for (const f of S.files) if (f.folder === t.path && t.sel.includes(f.name) && !S.files.some((g) => g.folder === dest && g.name === f.name)) f.folder = dest;
      t.sel = [];
      S.dialog = null;
    },
    selDeleteOk: () => {
      const t = top();
      if (t.s === "markor.main") S.notes = S.notes.filter((n) => !t.sel.includes(n.name));
      else S.files = S.files.filter((f) => !(f.folder === t.path && t.sel.includes(f.name)));
      t.sel = [];
      S.dialog = null;
    },
    // sms
    smsNew: () => { clearForms("sms_"); push("sms.new"); },
    smsSendNew: () => {
      const to = form("sms_to").trim(), body = form("sms_new_body");
      if (!to || !body.trim()) return;
      const th = sendSms(to, body);
      clearForms("sms_");
      replaceTop("sms.thread", { number: th.number });
    },
    smsOpen: (number) => { clearForms("sms_"); push("sms.thread", { number }); },
    smsSend: () => {
      const body = form("sms_body");
      if (!body.trim()) return;
      sendSms(top().number, body);
      delete S.forms.sms_body;
    },
    // expense
    expenseNew: () => { clearForms("ex_"); push("expense.edit"); },
    expenseSave: () => {
      const name = form("ex_name").trim(), amount = Number(form("ex_amount").replace(/[$,]/g, ""));
      if (!name || !Number.isFinite(amount) || form("ex_amount").trim() === "") { S.dialog = { kind: "msg", title: "Missing fields", text: "Name and amount are required." }; return; }
      S.expenses.push({ id: newId(), name, amount: Math.round(amount * 100), category: form("ex_category").trim() || "Others", note: form("ex_note").trim(), date: today() });
      clearForms("ex_");
      pop();
    },
    expenseOpen: (id) => push("expense.view", { id: Number(id) }),
    expenseDelete: (id) => { S.dialog = { kind: "confirm", title: "Delete expense?", text: "", ok: "expenseDeleteOk", arg: id }; },
    expenseDeleteOk: (id) => { S.expenses = S.expenses.filter((e) => e.id !== Number(id)); S.dialog = null; pop(); },
    // calendar
    eventNew: () => { clearForms("ev_"); push("calendar.edit"); },
    eventSave: () => {
      const title = form("ev_title").trim(), date = form("ev_date", today()).trim(), time = form("ev_time", pad2(new Date(S.time).getUTCHours() + 1) + ":00").trim();
      const tm = /^(\d{1,2}):(\d{2})$/.exec(time);
      if (!title || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !tm || Number(tm[1]) > 23 || Number(tm[2]) > 59) { S.dialog = { kind: "msg", title: "Check the event", text: "Title, date (YYYY-MM-DD) and time (HH:MM) are required." }; return; }
      const dur = form("ev_duration", "60").trim();
      if (!/^\d{1,4}$/.test(dur) || Number(dur) < 1) { S.dialog = { kind: "msg", title: "Check the event", text: "The duration is a number of minutes." }; return; }
      const ev = { id: newId(), title, description: form("ev_desc").trim(), location: form("ev_location").trim(), date, hour: Number(tm[1]), minute: Number(tm[2]), durationMin: Number(dur) };
      if (form("ev_repeat", "none") !== "none") ev.repeat = form("ev_repeat");
      S.calendar.push(ev);
      clearForms("ev_");
      pop();
    },
    eventRepeat: (v) => { S.forms.ev_repeat = v; },
    eventOpen: (id) => push("calendar.view", { id: Number(id) }),
    eventDelete: (id) => { S.dialog = { kind: "confirm", title: "Delete event?", text: "", ok: "eventDeleteOk", arg: id }; },
    eventDeleteOk: (id) => { S.calendar = S.calendar.filter((e) => e.id !== Number(id)); S.dialog = null; pop(); },
    // tasks
    taskToggle: (id) => { const t = S.tasks.find((x) => x.id === Number(id)); if (t) t.completed = !t.completed; },
    taskOpen: (id) => push("tasks.view", { id: Number(id) }),
    // files
    folderOpen: (path) => push("files.folder", { path, sel: [] }),
    fileOpen: (name) => { const t = top(); if (t.sel && t.sel.length) toggleSel(t, name); },
  };
  const LONG = {
    // A text field's long press opens its text menu (over any open dialog, which comes back after).
    fieldMenu: (key) => { S.focus = key; S.dialog = { kind: "fieldMenu", key, prev: S.dialog }; },
    noteSelect: (name) => { const t = top(); t.sel = t.sel || []; if (!t.sel.includes(name)) t.sel.push(name); },
    fileSelect: (name) => { const t = top(); t.sel = t.sel || []; if (!t.sel.includes(name)) t.sel.push(name); },
  };
  const baseName = (name) => name.slice(name.lastIndexOf("/") + 1);
  /** Whether `name` sits directly in folder `dir` ("" = Markor's top folder). */
  const inDir = (name, dir) => (dir ? name.startsWith(dir + "/") && !name.slice(dir.length + 1).includes("/") : !name.includes("/"));
  function markorDirsAll() {
    const all = new Set(S.markorFolders || []);
    for (const n of S.notes) { const parts = n.name.split("/"); for (let i = 1; i < parts.length; i++) all.add(parts.slice(0, i).join("/")); }
    return [...all].sort();
  }
  function toggleSel(t, name) { t.sel = t.sel.includes(name) ? t.sel.filter((x) => x !== name) : [...t.sel, name]; }
  function timerSeconds(d) { const p = d.padStart(6, "0"); return Number(p.slice(0, 2)) * 3600 + Number(p.slice(2, 4)) * 60 + Number(p.slice(4, 6)); }
  function openNote(name) { const n = S.notes.find((x) => x.name === name); S.forms.mk_content = n ? n.content : ""; S.dialog = null; push("markor.edit", { name }); }
  function saveNote() {
    const t = top(), n = S.notes.find((x) => x.name === t.name);
    if (n && "mk_content" in S.forms && n.content !== S.forms.mk_content) { n.content = S.forms.mk_content; n.mtime = S.time; }
  }
  function sendSms(to, body) {
    const norm = (x) => x.replace(/[^0-9+]/g, "");
    // The recipient field takes a contact's name too, as Simple SMS Messenger's does.
    const contact = S.contacts.find((c) => `${c.first} ${c.last}`.trim().toLowerCase() === to.trim().toLowerCase());
    if (contact) to = contact.phone;
    let th = S.sms.find((t) => (norm(to) !== "" && norm(t.number) === norm(to)) || (t.name && t.name.toLowerCase() === to.toLowerCase()));
    if (!th) { th = { number: to, name: contact ? `${contact.first} ${contact.last}`.trim() : "", messages: [] }; S.sms.push(th); }
    th.messages.push({ from: "me", text: body, time: S.time });
    return th;
  }
  const FOLDERS = ["Alarms", "DCIM", "Documents", "Download", "Movies", "Music", "Notifications", "Pictures", "Podcasts", "Ringtones"];
  const filesIn = (path) => S.files.filter((f) => f.folder === path).sort((x, y) => x.name.localeCompare(y.name));

  // ---------- screens ----------
  function stopwatchText() {
    const w = S.clock.stopwatch;
    return durationText(w.base + (w.running ? S.time - w.startedAt : 0));
  }
  function durationText(ms) {
    const cs = Math.floor(ms / 10) % 100, s = Math.floor(ms / 1000) % 60, m = Math.floor(ms / 60000);
    return `${pad2(m)}:${pad2(s)}.${pad2(cs)}`;
  }
  const SCREENS = {
    home: () => `<div class="home"${a({ cls: "android.widget.FrameLayout", pkg: LAUNCHER_PKG, id: "workspace" })}>${APPS.map((ap) => `<button class="appicon"${a({ cls: "android.widget.TextView", act: "open", arg: ap.id, id: "icon" })}><span class="glyph" aria-hidden="true" style="background:${ap.color}">${esc(ap.glyph)}</span><span class="label">${esc(ap.name)}</span></button>`).join("")}</div>`,

    "settings.main": () => appbar("Settings", { back: false }) + list("settings", [
      row("Network & internet", "Wi‑Fi: " + (S.settings.wifi ? "On" : "Off"), { act: "push", arg: "settings.network" }),
      row("Connected devices", "Bluetooth: " + (S.settings.bluetooth ? "On" : "Off"), { act: "push", arg: "settings.connected" }),
      row("Display", "Brightness " + S.settings.brightness + "%", { act: "push", arg: "settings.display" }),
    ].join("")),
    "settings.network": () => appbar("Network & internet") + list("settings.network", row("Wi‑Fi", S.settings.wifi ? "On" : "Off", { act: "toggle", arg: "wifi", after: sw(S.settings.wifi, "toggle", "wifi", "switch_widget") })),
    "settings.connected": () => appbar("Connected devices") + list("settings.connected", row("Bluetooth", S.settings.bluetooth ? "On" : "Off", { act: "toggle", arg: "bluetooth", after: sw(S.settings.bluetooth, "toggle", "bluetooth", "switch_widget") })),
    "settings.display": () => appbar("Display") + list("settings.display", tv("Brightness level", "header", { id: "title" }) + `<button class="seek"${a({ cls: "android.widget.SeekBar", act: "seek", id: "seekbar", desc: "Brightness level " + S.settings.brightness + "%" })}><div class="fill" style="width:${S.settings.brightness}%"></div></button>` + tv(S.settings.brightness + "%", "detail", { id: "value" })),

    "clock.main": () => {
      const tab = S.clock.tab;
      let body = "";
      if (tab === "alarm") {
        body = list("clock.alarm", S.clock.alarms.length === 0 ? tv("No alarms", "empty") : S.clock.alarms.map((al) => row(`${pad2(al.hour)}:${pad2(al.minute)}`, al.label || "Alarm", { after: sw(al.enabled, "alarmToggle", al.id, "onoff") })).join(""), fab("Add alarm", "alarmNew"));
      } else if (tab === "timer") {
        const t = S.clock.timer;
        if (t.running) {
          const left = Math.max(0, Math.ceil((t.endsAt - S.time) / 1000));
          body = `<div class="scroll">${tv(`${pad2(Math.floor(left / 3600))}:${pad2(Math.floor(left / 60) % 60)}:${pad2(left % 60)}`, "big", { id: "timer_time" })}<div class="btnrow" style="justify-content:center">${btn("Delete", "timerStop", undefined, "btn flat", { id: "delete" })}</div></div>`;
        } else {
          const p = t.digits.padStart(6, "0");
          const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0"].map((d) => (d ? btn(d, "digit", d, "", { id: "digit_" + d }) : "<span></span>")).join("");
          body = `<div class="scroll">${tv(`${p.slice(0, 2)}h ${p.slice(2, 4)}m ${p.slice(4, 6)}s`, "big", { id: "timer_setup_time" })}<div class="keypad">${keys}${ibtn("Delete", "⌫", "digitDel", undefined, { id: "timer_setup_delete" })}</div>${t.digits ? `<button class="fab" style="left:152px"${a({ cls: "android.widget.ImageButton", desc: "Start", glyph: "▶", act: "timerStart", id: "fab" })}></button>` : ""}</div>`;
        }
      } else {
        const w = S.clock.stopwatch;
        const moved = w.base > 0 || w.running;
        const laps = (w.laps || []).map((ms, i) => tv(`Lap ${i + 1}  ${durationText(ms)}`, "detail", { id: "lap_time" })).join("");
        body = `<div class="scroll">${tv(stopwatchText(), "big", { id: "stopwatch_time_text" })}<div class="btnrow" style="justify-content:center">${moved && !w.running ? btn("Reset", "swReset", undefined, "btn flat", { id: "reset" }) : ""}${w.running ? ibtn("Lap", "⏱", "swLap", undefined, { id: "left_button" }) : ""}</div>${laps}<button class="fab" style="left:152px"${a({ cls: "android.widget.ImageButton", desc: w.running ? "Pause" : "Start", glyph: w.running ? "❚❚" : "▶", act: "swToggle", id: "fab" })}></button></div>`;
      }
      const tabs = ["alarm", "timer", "stopwatch"].map((x) => `<button class="tab${x === tab ? " sel" : ""}"${a({ cls: "android.widget.TextView", act: "clockTab", arg: x, sel: x === tab, id: "tab_" + x })}>${x[0].toUpperCase() + x.slice(1)}</button>`).join("");
      return appbar(tab[0].toUpperCase() + tab.slice(1), { back: false }) + `<div class="tabpane">${body}</div>` + `<div class="tabs"${a({ cls: "android.widget.LinearLayout", id: "tabs" })}>${tabs}</div>`;
    },
    "clock.alarmEdit": () => appbar("Add alarm", { actions: btn("Save", "alarmSave", undefined, "btn", { id: "save" }) }) + list("clock.alarmEdit", field("al_hour", "Hour (0-23)") + field("al_minute", "Minute (0-59)") + field("al_label", "Label")),

    "contacts.main": () => {
      const cs = [...S.contacts].sort((x, y) => `${x.first} ${x.last}`.localeCompare(`${y.first} ${y.last}`) || x.id - y.id);
      return appbar("Contacts", { back: false }) + list("contacts", cs.length === 0 ? tv("No contacts", "empty") : cs.map((c) => row(`${c.first} ${c.last}`.trim() || c.phone, "", { act: "contactOpen", arg: c.id, pid: "cliv_name_textview" })).join(""), fab("Create contact", "contactNew"));
    },
    "contacts.edit": () => {
      const lab = form("c_label", "Mobile");
      return appbar("Create contact", { actions: btn("Save", "contactSave", undefined, "btn", { id: "toolbar_button" }) }) + list("contacts.edit", field("c_first", "First name") + field("c_last", "Last name") + field("c_phone", "Phone", { id: "phone" }) + tv("Phone label", "header") + `<div class="btnrow"${a({ cls: "android.widget.LinearLayout" })}>${["Mobile", "Home", "Work", "Other"].map((l) => btn(l, "contactLabel", l, l === lab ? "btn on" : "btn flat", { sel: l === lab, id: "label_" + l.toLowerCase() })).join("")}</div>`);
    },
    "contacts.view": () => {
      const c = S.contacts.find((x) => x.id === top().id);
      if (!c) return appbar("Contact") + tv("Contact not found", "empty");
      return appbar(`${c.first} ${c.last}`.trim()) + list("contacts.view", tv(`${c.first} ${c.last}`.trim(), "big", { id: "large_title" }) + row(c.phone, c.label, { pid: "header", sid: "label" }) + `<div class="btnrow">${btn("Delete", "contactDelete", c.id, "btn flat", { id: "delete" })}</div>`);
    },

    "markor.main": () => {
      const t = top(), sel = t.sel || [], dir = t.path || "";
      const actions = sel.length ? ibtn("Select all", "☰", "selSelectAll", undefined, { id: "action_select_all" }) + ibtn("Move", "➔", "markorMove", undefined, { id: "action_move" }) + ibtn("Delete", "🗑", "selDelete", undefined, { id: "action_delete" }) : ibtn("Create folder", "⊞", "markorFolderNew", undefined, { id: "action_new_folder" });
      const notes = S.notes.filter((n) => inDir(n.name, dir)).sort((x, y) => x.name.localeCompare(y.name));
      const dirs = markorDirsAll().filter((f) => inDir(f, dir)).map((f) => row(baseName(f), "Folder", { act: "markorDir", arg: f, pid: "ui__filesystem_item__title" })).join("");
      return appbar(sel.length ? `${sel.length} selected` : dir ? baseName(dir) : "Markor", { back: sel.length > 0 || dir !== "", actions }) + list("markor" + (dir ? "/" + dir : ""), notes.length === 0 && !dirs ? tv("No notes", "empty") : dirs + notes.map((n) => row(baseName(n.name), new Date(n.mtime).toISOString().slice(0, 16).replace("T", " "), { act: "noteOpen", arg: n.name, long: "noteSelect", larg: n.name, sel: sel.includes(n.name), pid: "ui__filesystem_item__title" })).join(""), sel.length ? "" : fab("Create a new note", "noteNew"));
    },
    "markor.edit": () => appbar(top().name, { actions: ibtn("Save", "💾", "noteSave", undefined, { id: "action_save" }) }) + `<div class="scroll"${a({ cls: "android.widget.ScrollView", id: "document__fragment__edit__content_editor__scrolling_parent" })}>${field("mk_content", "Start writing…", { multiline: true, id: "document__fragment__edit__highlighting_editor" })}</div>`,

    "sms.main": () => {
      const th = [...S.sms].sort((x, y) => lastTime(y) - lastTime(x) || x.number.localeCompare(y.number));
      return appbar("Simple SMS Messenger", { back: false }) + list("sms", th.length === 0 ? tv("No conversations", "empty") : th.map((t) => row(t.name || t.number, t.messages.length ? t.messages[t.messages.length - 1].text : "", { act: "smsOpen", arg: t.number, pid: "conversation_address", sid: "conversation_body_short" })).join(""), fab("Start conversation", "smsNew"));
    },
    "sms.new": () => appbar("New conversation") + list("sms.new", field("sms_to", "Add Contact or Number", { id: "new_conversation_address" }) + field("sms_new_body", "Type a message", { id: "thread_type_message", enter: "" }) + `<div class="btnrow">${ibtn("Send", "➤", "smsSendNew", undefined, { id: "thread_send_message" })}</div>`),
    "sms.thread": () => {
      const t = S.sms.find((x) => x.number === top().number) || { number: top().number, name: "", messages: [] };
      return appbar(t.name || t.number) + list("sms.thread." + t.number, t.messages.map((m) => `<div class="bubble ${m.from}"${a({ cls: "android.widget.TextView", id: "thread_message_body" })}>${esc(m.text)}</div>`).join("")) + `<div class="composer"${a({ cls: "android.widget.LinearLayout" })}>${field("sms_body", "Type a message", { id: "thread_type_message" })}${ibtn("Send", "➤", "smsSend", undefined, { id: "thread_send_message" })}</div>`;
    },

    "expense.main": () => {
      const ex = [...S.expenses].sort((x, y) => y.date.localeCompare(x.date) || y.id - x.id);
      const total = S.expenses.reduce((s, e) => s + e.amount, 0);
      return appbar("Pro Expense", { back: false }) + tv("Total: " + money(total), "header", { id: "tv_total" }) + list("expense", ex.length === 0 ? tv("No expenses", "empty") : ex.map((e) => row(e.name, `${e.category} · ${e.date} · ${money(e.amount)}`, { act: "expenseOpen", arg: e.id, pid: "tv_name", sid: "tv_detail" })).join(""), fab("Add expense", "expenseNew"));
    },
    "expense.edit": () => appbar("Add expense", { actions: btn("Save", "expenseSave", undefined, "btn", { id: "btn_save" }) }) + list("expense.edit", field("ex_name", "Name", { id: "edt_name" }) + field("ex_amount", "Amount", { id: "edt_amount" }) + field("ex_category", "Category", { id: "edt_category" }) + field("ex_note", "Note", { id: "edt_note" })),
    "expense.view": () => {
      const e = S.expenses.find((x) => x.id === top().id);
      if (!e) return appbar("Expense") + tv("Expense not found", "empty");
      return appbar(e.name) + list("expense.view", tv(e.name, "big", { id: "tv_name" }) + tv("Amount: " + money(e.amount), "detail") + tv("Category: " + e.category, "detail") + tv("Date: " + e.date, "detail") + (e.note ? tv("Note: " + e.note, "detail") : "") + `<div class="btnrow">${btn("Delete", "expenseDelete", e.id, "btn flat", { id: "btn_delete" })}</div>`);
    },

    "calendar.main": () => {
      const ev = [...S.calendar].sort((x, y) => x.date.localeCompare(y.date) || x.hour * 60 + x.minute - (y.hour * 60 + y.minute) || x.id - y.id);
      let html = "", last = "";
      for (const e of ev) {
        if (e.date !== last) { html += tv(`${e.date} (${dayName(e.date)})`, "header", { id: "event_section_title" }); last = e.date; }
        html += row(`${pad2(e.hour)}:${pad2(e.minute)} ${e.title}`, e.location, { act: "eventOpen", arg: e.id, pid: "event_item_title", sid: "event_item_location" });
      }
      return appbar("Simple Calendar Pro", { back: false }) + list("calendar", html || tv("No upcoming events", "empty"), fab("New event", "eventNew"));
    },
    "calendar.edit": () => appbar("New event", { actions: btn("Save", "eventSave", undefined, "btn", { id: "save" }) }) + list("calendar.edit", field("ev_title", "Title", { id: "event_title" }) + field("ev_location", "Location", { id: "event_location" }) + field("ev_desc", "Description", { id: "event_description" }) + tv("Date (YYYY-MM-DD)", "header") + field("ev_date", "Date", { value: today(), id: "event_start_date" }) + tv("Start time (HH:MM)", "header") + field("ev_time", "Time", { value: pad2(new Date(S.time).getUTCHours() + 1) + ":00", id: "event_start_time" }) + tv("Duration (minutes)", "header") + field("ev_duration", "Duration", { value: "60", id: "event_duration" }) + tv("Repeat", "header") + `<div class="btnrow"${a({ cls: "android.widget.LinearLayout" })}>${[["none", "No repetition"], ["daily", "Daily"], ["weekly", "Weekly"]].map(([v, l]) => btn(l, "eventRepeat", v, v === form("ev_repeat", "none") ? "btn on" : "btn flat", { sel: v === form("ev_repeat", "none"), id: "repeat_" + v })).join("")}</div>`),
    "calendar.view": () => {
      const e = S.calendar.find((x) => x.id === top().id);
      if (!e) return appbar("Event") + tv("Event not found", "empty");
      return appbar(e.title) + list("calendar.view", tv(e.title, "big", { id: "event_title" }) + tv(`${e.date} ${pad2(e.hour)}:${pad2(e.minute)} (${e.durationMin} min)${e.repeat ? ", repeats " + e.repeat : ""}`, "detail", { id: "event_date_time" }) + (e.location ? tv("Location: " + e.location, "detail", { id: "event_location" }) : "") + (e.description ? tv(e.description, "detail", { id: "event_description" }) : "") + `<div class="btnrow">${btn("Delete", "eventDelete", e.id, "btn flat", { id: "delete" })}</div>`);
    },

    "tasks.main": () => {
      const ts = [...S.tasks].sort((x, y) => Number(x.completed) - Number(y.completed) || x.due.localeCompare(y.due) || x.id - y.id);
      return appbar("Tasks", { back: false }) + list("tasks", ts.length === 0 ? tv("No tasks", "empty") : ts.map((t) => row(t.title, `Due ${t.due} · ${t.priority} priority${t.completed ? " · completed" : ""}`, { act: "taskOpen", arg: t.id, before: cb(t.completed, "taskToggle", t.id, "completeBox"), pid: "title", sid: "due_date" })).join(""));
    },
    "tasks.view": () => {
      const t = S.tasks.find((x) => x.id === top().id);
      if (!t) return appbar("Task") + tv("Task not found", "empty");
      return appbar("Task") + list("tasks.view", tv(t.title, "big", { id: "title" }) + tv("Due: " + t.due, "detail") + tv("Priority: " + t.priority, "detail") + row("Completed", "", { after: cb(t.completed, "taskToggle", t.id, "completeBox") }));
    },

    "files.main": () => {
      return appbar("Internal storage", { back: false }) + list("files", FOLDERS.map((f) => row(f, `${filesIn(f).length} items`, { act: "folderOpen", arg: f, before: `<span aria-hidden="true">📁</span>` })).join(""));
    },
    "files.folder": () => {
      const t = top(), sel = t.sel || [];
      const fs = filesIn(t.path);
      const actions = sel.length ? ibtn("Select all", "☰", "selSelectAll", undefined, { id: "action_select_all" }) + ibtn("Move to", "➔", "selMove", undefined, { id: "action_move" }) + ibtn("Delete", "🗑", "selDelete", undefined, { id: "action_delete" }) : "";
      return appbar(sel.length ? `${sel.length} selected` : t.path, { actions }) + list("files." + t.path, fs.length === 0 ? tv("No items", "empty") : fs.map((f) => row(f.name, `${f.size} kB`, { act: "fileOpen", arg: f.name, long: "fileSelect", larg: f.name, sel: sel.includes(f.name) })).join(""));
    },
  };
  const lastTime = (t) => (t.messages.length ? t.messages[t.messages.length - 1].time : 0);

  function dialogView(shown) {
    const d = shown || S.dialog;
    if (!d) return "";
    if (d.kind === "confirm") return dialogHtml(d.title, d.text, "", btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("OK", d.ok, d.arg, "btn", { id: "button1" }));
    if (d.kind === "msg") return dialogHtml(d.title, d.text, "", btn("OK", "dialogCancel", undefined, "btn", { id: "button1" }));
    if (d.kind === "markorFolder") return dialogHtml("Create a new folder", "", field("mk_folder", "Folder name", { id: "new_folder_dialog__name", enter: "markorFolderOk" }), btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("OK", "markorFolderOk", undefined, "btn", { id: "button1" }));
    if (d.kind === "markorMoveTo") return dialogHtml("Move to", "", list("markor.moveTo", [row("Markor (top folder)", "", { act: "markorMoveTo", arg: "" }), ...markorDirsAll().map((f) => row(f, "", { act: "markorMoveTo", arg: f }))].join("")), btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }));
    if (d.kind === "moveTo") return dialogHtml("Move to", "", list("files.moveTo", FOLDERS.filter((f) => f !== top().path).map((f) => row(f, "", { act: "selMoveTo", arg: f })).join("")), btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }));
    if (d.kind === "fieldMenu") {
      const under = d.prev ? dialogView.call(null, d.prev) : "";
      const items = (form(d.key) ? btn("Copy", "fieldCopy", d.key, "btn flat", { id: "copy" }) : "") + (S.clipboard ? btn("Paste", "fieldPaste", d.key, "btn flat", { id: "paste" }) : "");
      return under + dialogHtml("Text", "", "", (items || tv("Nothing to copy or paste", "dtext")) + btn("Close", "fieldMenuClose", undefined, "btn flat", { id: "close" }));
    }
    if (d.kind === "markorNew") return dialogHtml("Create a new note", "", field("mk_name", "Name", { id: "new_file_dialog__name", enter: "noteNewOk" }), btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("OK", "noteNewOk", undefined, "btn", { id: "button1" }));
    return "";
  }

  function appOf(screen) { return APP_BY_ID[screen.split(".")[0]]; }

  function render() {
    const t = top();
    const app = appOf(t.s);
    const pkg = app ? app.pkg : LAUNCHER_PKG;
    const view = (SCREENS[t.s] || (() => tv("Unknown screen", "empty")))();
    const sb = `<div class="statusbar"${a({ cls: "android.widget.FrameLayout", pkg: "com.android.systemui", id: "status_bar" })}>${tv(clockText(S.time), "sb-time", { id: "clock" })}<div class="sb-icons"${a({ cls: "android.widget.LinearLayout" })}>${S.settings.bluetooth ? `<span${a({ cls: "android.widget.ImageView", desc: "Bluetooth on", glyph: "ᛒ" })}></span>` : ""}<span${a({ cls: "android.widget.ImageView", desc: S.settings.wifi ? "Wifi signal full." : "Wifi off.", glyph: S.settings.wifi ? "◥" : "◌" })}></span><span${a({ cls: "android.widget.ImageView", desc: "Battery 100 percent.", glyph: "▮" })}></span></div></div>`;
    const kb = S.focus ? `<div class="keyboard" aria-hidden="true">${"qwertyuiopasdfghjkl⇧zxcvbnm⌫".split("").map((c) => `<span>${c}</span>`).join("")}</div>` : "";
    phone.innerHTML = sb + `<div class="screen"${a({ cls: "android.widget.FrameLayout", pkg, id: "content" })}>${view}${dialogView()}</div>` + kb;
    for (const el of phone.querySelectorAll("[data-scroll]")) el.scrollTop = S.scroll[el.dataset.scroll] || 0;
    if (S.focus) {
      const el = phone.querySelector(`[data-field="${CSS.escape(S.focus)}"]`);
      if (el) {
        el.focus({ preventScroll: true });
        const n = el.value.length;
        el.setSelectionRange(n, n);
      }
    }
  }

  function run(fn) {
    fn();
    render();
  }

  // ---------- input ----------
  let down = null;
  let swallowClick = false;
  document.addEventListener("mousedown", (ev) => {
    ev.preventDefault(); // focus is the app's business, not the browser's
    swallowClick = false;
    down = { x: ev.clientX, y: ev.clientY, scroller: ev.target.closest ? ev.target.closest("[data-scroll]") : null };
  }, true);
  document.addEventListener("mouseup", (ev) => {
    if (!down) return;
    const dx = ev.clientX - down.x, dy = ev.clientY - down.y;
    const sc = down.scroller;
    down = null;
    if (Math.hypot(dx, dy) < 8) return;
    swallowClick = true;
    if (sc && Math.abs(dy) >= Math.abs(dx)) {
      const key = sc.dataset.scroll;
      const max = Math.max(0, sc.scrollHeight - sc.clientHeight);
      const v = Math.max(0, Math.min(max, (S.scroll[key] || 0) - dy));
      run(() => { S.scroll[key] = v; });
    }
  }, true);
  document.addEventListener("click", (ev) => {
    if (swallowClick) { swallowClick = false; return; }
    const el = ev.target.closest ? ev.target.closest("[data-act]") : null;
    if (!el) return;
    const fn = ACT[el.dataset.act];
    if (fn) run(() => fn(el.dataset.arg, el, ev));
  }, true);
  document.addEventListener("input", (ev) => {
    const k = ev.target.dataset && ev.target.dataset.field;
    if (k) S.forms[k] = ev.target.value;
  }, true);
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    const el = ev.target;
    if (el.tagName === "TEXTAREA") return; // a new line
    ev.preventDefault();
    if (el.tagName !== "INPUT") return;
    const act = el.dataset.enter;
    run(() => {
      if (act && ACT[act]) ACT[act]();
      else S.focus = null; // the keyboard's "done"
    });
  }, true);
  document.addEventListener("contextmenu", (ev) => ev.preventDefault(), true);

  // ---------- the element tree ----------
  /** Text content without aria-hidden decorations. */
  function visibleText(el) {
    let s = "";
    for (const c of el.childNodes) {
      if (c.nodeType === 3) s += c.nodeValue;
      else if (c.nodeType === 1 && c.getAttribute("aria-hidden") !== "true") s += visibleText(c);
    }
    return s;
  }
  const CLASS_BY_TAG = { INPUT: "android.widget.EditText", TEXTAREA: "android.widget.EditText", BUTTON: "android.widget.Button" };
  function tree() {
    const out = [];
    const W = window.innerWidth, H = window.innerHeight;
    const walk = (el, depth, clip, pkg) => {
      if (el.getAttribute("aria-hidden") === "true") return 0;
      const isNode = el.hasAttribute("data-cls") || el.tagName in CLASS_BY_TAG;
      if (el.dataset.pkg) pkg = el.dataset.pkg;
      const r = el.getBoundingClientRect();
      let childClip = clip;
      const scrollable = el.hasAttribute("data-scroll");
      if (scrollable || getComputedStyle(el).overflow === "hidden") {
        childClip = { l: Math.max(clip.l, r.left), t: Math.max(clip.t, r.top), r: Math.min(clip.r, r.right), b: Math.min(clip.b, r.bottom) };
      }
      let slot = -1;
      if (isNode) { slot = out.length; out.push(null); }
      let children = 0;
      for (const c of el.children) children += walk(c, isNode ? depth + 1 : depth, childClip, pkg);
      if (!isNode) return children;
      const box = { l: Math.max(clip.l, r.left), t: Math.max(clip.t, r.top), r: Math.min(clip.r, r.right), b: Math.min(clip.b, r.bottom) };
      // Android keeps a visible view whose box has no area (AndroidWorld lists it): a rendered
      // zero-width or zero-height element inside its clip is visible; one clipped away is not.
      const rendered = el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
      const zero = r.width === 0 || r.height === 0;
      const visible = rendered && (zero ? box.r >= box.l && box.b >= box.t : box.r > box.l && box.b > box.t);
      const editable = el.tagName === "INPUT" || el.tagName === "TEXTAREA";
      const role = el.getAttribute("role");
      const id = el.dataset.id || "";
      const text = editable ? el.value : children === 0 ? visibleText(el).trim() : "";
      out[slot] = {
        depth,
        childCount: children,
        text,
        contentDescription: el.getAttribute("aria-label") || "",
        className: el.dataset.cls || CLASS_BY_TAG[el.tagName],
        bbox: visible ? { xMin: Math.round(box.l * SCALE), xMax: Math.round(box.r * SCALE), yMin: Math.round(box.t * SCALE), yMax: Math.round(box.b * SCALE) } : undefined,
        hintText: editable ? el.placeholder : "",
        isChecked: role === "switch" || role === "checkbox" ? el.getAttribute("aria-checked") === "true" : false,
        isCheckable: role === "switch" || role === "checkbox",
        isClickable: el.hasAttribute("data-act"),
        isEditable: editable,
        isEnabled: !el.disabled,
        isFocused: editable && document.activeElement === el,
        isFocusable: editable || el.hasAttribute("data-act"),
        isLongClickable: el.hasAttribute("data-long"),
        isScrollable: scrollable && el.scrollHeight > el.clientHeight,
        isSelected: el.hasAttribute("data-selected"),
        isVisible: visible,
        packageName: pkg,
        resourceName: id,
        resourceId: id ? `${pkg}:id/${id}` : "",
        tooltip: el.getAttribute("title") || "",
        metadata: { depth: String(depth) },
      };
      return 1;
    };
    walk(phone, 0, { l: 0, t: 0, r: W, b: H }, LAUNCHER_PKG);
    return out;
  }

  // ---------- the host's handle ----------
  function tick(ms) {
    S.time += ms;
    const t = S.clock.timer;
    if (t.running && S.time >= t.endsAt) { t.running = false; t.digits = ""; t.endsAt = 0; }
  }
  window.__dev = {
    apps: () => APPS.map((x) => x.name),
    /** Called once after each input: device time moves on by `ms`, then the screen is redrawn. */
    after(ms) { tick(ms); render(); return true; },
    getState: () => JSON.stringify(S),
    setState(json) { S = JSON.parse(json); render(); return true; },
    blank() { S = blankState(); render(); return true; },
    /** Merges task data into the state (top-level keys replaced). */
    patch(json) { Object.assign(S, JSON.parse(json)); render(); return true; },
    tree,
    back() {
      run(() => {
        if (S.focus) S.focus = null; // back first hides the keyboard
        else if (S.dialog) S.dialog = null;
        else if (top().s === "home") return;
        else leave();
      });
      return true;
    },
    home() { run(() => { const t = top(); if (t.s === "markor.edit") saveNote(); goHome(); }); return true; },
    openApp(name) {
      const n = String(name).trim().toLowerCase();
      const app = APPS.find((x) => x.name.toLowerCase() === n || x.aliases.includes(n) || x.pkg === n);
      if (!app) return false;
      run(() => openApp(app.id));
      return true;
    },
    longPress(x, y) {
      const el = document.elementFromPoint(x, y);
      const t = el && el.closest("[data-long]");
      if (t && LONG[t.dataset.long]) run(() => LONG[t.dataset.long](t.dataset.larg, t));
      return true;
    },
    clearFocused() {
      const el = document.activeElement;
      if (el && el.dataset && el.dataset.field) { el.value = ""; S.forms[el.dataset.field] = ""; }
      return true;
    },
    focusedField: () => S.focus,
  };
  render();
})();
