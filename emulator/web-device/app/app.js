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
 * Around the apps sits a system UI, itself part of S: a navigation bar (Back, Home,
 * Overview), quick settings pulled down from the top edge (S.shade; its tiles switch
 * S.settings, which the Settings app shows), an app drawer and Overview (launcher
 * screens), and an on-screen keyboard whose keys are elements (S.kb).
 *
 * Plain browser JavaScript, no build step, no network.
 */
(() => {
  "use strict";
  const SCALE = 3; // CSS px → screen px (360×800 → 1080×2400)
  const START_TIME = Date.UTC(2023, 9, 15, 15, 34, 0);

  const APPS = [
    { id: "contacts", name: "Contacts", pkg: "com.google.android.contacts", icon: "person", color: "#1a73e8", aliases: ["contacts", "google contacts"] },
    { id: "clock", name: "Clock", pkg: "com.google.android.deskclock", icon: "clock", color: "#5f6368", aliases: ["clock", "deskclock"] },
    { id: "markor", name: "Markor", pkg: "net.gsantner.markor", icon: "edit", color: "#388e3c", aliases: ["markor", "notes"] },
    { id: "sms", name: "Simple SMS Messenger", pkg: "com.simplemobiletools.smsmessenger", icon: "chat", color: "#0288d1", aliases: ["simple sms messenger", "simple sms", "sms", "messages", "messaging"] },
    { id: "settings", name: "Settings", pkg: "com.android.settings", icon: "settings", color: "#455a64", aliases: ["settings", "system settings"] },
    { id: "expense", name: "Pro Expense", pkg: "com.arduia.expense", icon: "money", color: "#f57c00", aliases: ["pro expense", "arduia pro expense", "expense", "expenses"] },
    { id: "calendar", name: "Simple Calendar Pro", pkg: "com.simplemobiletools.calendar.pro", icon: "calendar", color: "#d32f2f", aliases: ["simple calendar pro", "simple calendar", "calendar"] },
    { id: "tasks", name: "Tasks", pkg: "org.tasks", icon: "checkbox", color: "#7b1fa2", aliases: ["tasks", "tasks.org"] },
    { id: "files", name: "Files", pkg: "com.google.android.documentsui", icon: "folder", color: "#00796b", aliases: ["files", "file manager", "documentsui"] },
    { id: "camera", name: "Camera", pkg: "com.android.camera2", icon: "camera", color: "#212121", aliases: ["camera", "camera app"] },
    { id: "recorder", name: "Audio Recorder", pkg: "com.dimowner.audiorecorder", icon: "mic", color: "#c62828", aliases: ["audio recorder", "audiorecorder", "voice recorder", "recorder"] },
    { id: "joplin", name: "Joplin", pkg: "net.cozic.joplin", icon: "note", color: "#1071d3", aliases: ["joplin", "joplin app"] },
    { id: "tracks", name: "OpenTracks", pkg: "de.dennisguse.opentracks", icon: "run", color: "#ef6c00", aliases: ["opentracks", "open tracks", "opentracks app", "activity tracker", "sports tracker"] },
    { id: "draw", name: "Simple Draw Pro", pkg: "com.simplemobiletools.draw.pro", icon: "brush", color: "#ad1457", aliases: ["simple draw pro", "simple draw", "draw"] },
    { id: "music", name: "Retro Music", pkg: "code.name.monkey.retromusic", icon: "music", color: "#3949ab", aliases: ["retro music", "retro", "music"] },
    { id: "vlc", name: "VLC", pkg: "org.videolan.vlc", icon: "videocam", color: "#f57c00", aliases: ["vlc", "vlc player", "vlc media player"] },
    { id: "gallery", name: "Simple Gallery Pro", pkg: "com.simplemobiletools.gallery.pro", icon: "image", color: "#00897b", aliases: ["simple gallery pro", "simple gallery", "gallery"] },
    { id: "recipe", name: "Broccoli", pkg: "com.flauschcode.broccoli", icon: "restaurant", color: "#558b2f", aliases: ["broccoli", "broccoli app", "broccoli recipe app", "broccoli - recipe app", "recipes"] },
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
      settings: { wifi: true, bluetooth: false, brightness: 50, airplane: false },
      shade: false, // quick settings pulled down over the screen
      kb: { shift: false, page: "abc" }, // the on-screen keyboard's shift and letters/symbols page
      recents: [], // Overview: apps left, most recent first, each with its screen stack
      contacts: [],
      clock: { tab: "alarm", alarms: [], timer: { digits: "", running: false, endsAt: 0 }, stopwatch: { running: false, base: 0, startedAt: 0 } },
      notes: [],
      markorFolders: [],
      sms: [],
      expenses: [],
      calendar: [],
      tasks: [],
      files: [],
      recipes: [],
      joplin: [],
      tracks: [], // OpenTracks activities: { id, name, description, category, date, startTime "HH:MM", durationMin, distanceM, elevationGain, elevationLoss } // Joplin notes: { id, folder (notebook), title, body, isTodo, done }
      draw: { dots: [] },
      music: { songs: [], playlists: [], queue: [] },
      vlc: { songs: [], playlists: [], queue: [] }, // VLC's videos (songs: { title: file name, artist: "", durationMs }) and playlists // Retro Music: songs { title, artist, durationMs }; playlists { name, songs: titles in order }; the playing queue (titles) // Simple Draw Pro's canvas: the points tapped, in canvas CSS px
      camera: { mode: "photo", recordingSince: 0 }, // recordingSince: device time a video started, 0 when not recording
      recorder: { startedAt: 0, recordings: [] }, // startedAt: device time a recording started, 0 when idle
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


  // ---------- icons ----------
  // Every icon is inline SVG (Material-style 24×24 paths), so the screen needs no emoji or
  // symbol font: a machine without them renders the same pixels, not tofu boxes.
  const P = (d) => `<path d="${d}"/>`;
  const ICONS = {
    add: P("M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z"),
    arrowBack: P("M20 11H7.83l5.59-5.59L12 4l-8 8 8 8 1.41-1.41L7.83 13H20v-2z"),
    forward: P("M12 4l-1.41 1.41L16.17 11H4v2h12.17l-5.58 5.59L12 20l8-8z"),
    play: P("M8 5v14l11-7z"),
    pause: P("M6 19h4V5H6v14zm8-14v14h4V5h-4z"),
    delete: P("M6 19c0 1.1.9 2 2 2h8c1.1 0 2-.9 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z"),
    backspace: P("M22 3H7c-.69 0-1.23.35-1.59.88L0 12l5.41 8.11c.36.53.9.89 1.59.89h15c1.1 0 2-.9 2-2V5c0-1.1-.9-2-2-2zm-3 12.59L17.59 17 14 13.41 10.41 17 9 15.59 12.59 12 9 8.41 10.41 7 14 10.59 17.59 7 19 8.41 15.41 12 19 15.59z"),
    send: P("M2.01 21L23 12 2.01 3 2 10l15 2-15 2z"),
    folder: P("M10 4H4c-1.1 0-1.99.9-1.99 2L2 18c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V8c0-1.1-.9-2-2-2h-8l-2-2z"),
    newFolder: P("M20 6h-8l-2-2H4c-1.11 0-1.99.89-1.99 2L2 18c0 1.11.89 2 2 2h16c1.11 0 2-.89 2-2V8c0-1.11-.89-2-2-2zm-1 8h-3v3h-2v-3h-3v-2h3V9h2v3h3v2z"),
    check: P("M9 16.17L4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z"),
    save: P("M17 3H5c-1.11 0-2 .9-2 2v14c0 1.1.89 2 2 2h14c1.1 0 2-.9 2-2V7l-4-4zm-5 16c-1.66 0-3-1.34-3-3s1.34-3 3-3 3 1.34 3 3-1.34 3-3 3zm3-10H5V5h10v4z"),
    menu: P("M3 18h18v-2H3v2zm0-5h18v-2H3v2zm0-7v2h18V6H3z"),
    timer: P("M15 1H9v2h6V1zm-4 13h2V8h-2v6zm8.03-6.61l1.42-1.42c-.43-.51-.9-.99-1.41-1.41l-1.42 1.42C16.07 4.74 14.12 4 12 4c-4.97 0-9 4.03-9 9s4.02 9 9 9 9-4.03 9-9c0-2.12-.74-4.07-1.97-5.61zM12 20c-3.87 0-7-3.13-7-7s3.13-7 7-7 7 3.13 7 7-3.13 7-7 7z"),
    bluetooth: P("M17.71 7.71L12 2h-1v7.59L6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 11 14.41V22h1l5.71-5.71-4.3-4.29 4.3-4.29zM13 5.83l1.88 1.88L13 9.59V5.83zm1.88 10.46L13 18.17v-3.76l1.88 1.88z"),
    wifi: P("M1 9l2 2c4.97-4.97 13.03-4.97 18 0l2-2C16.93 2.93 7.08 2.93 1 9zm8 8l3 3 3-3c-1.65-1.66-4.34-1.66-6 0zm-4-4l2 2c2.76-2.76 7.24-2.76 10 0l2-2C15.14 9.14 8.87 9.14 5 13z"),
    wifiOff: `<g opacity="0.4">${P("M1 9l2 2c4.97-4.97 13.03-4.97 18 0l2-2C16.93 2.93 7.08 2.93 1 9zm8 8l3 3 3-3c-1.65-1.66-4.34-1.66-6 0zm-4-4l2 2c2.76-2.76 7.24-2.76 10 0l2-2C15.14 9.14 8.87 9.14 5 13z")}</g><path d="M3 3l18 18" stroke="currentColor" stroke-width="2"/>`,
    battery: P("M15.67 4H14V2h-4v2H8.33C7.6 4 7 4.6 7 5.33v15.33C7 21.4 7.6 22 8.33 22h7.33c.74 0 1.34-.6 1.34-1.33V5.33C17 4.6 16.4 4 15.67 4z"),
    airplane: P("M21 16v-2l-8-5V3.5c0-.83-.67-1.5-1.5-1.5S10 2.67 10 3.5V9l-8 5v2l8-2.5V19l-2 1.5V22l3.5-1 3.5 1v-1.5L13 19v-5.5l8 2.5z"),
    brightness: P("M20 8.69V4h-4.69L12 .69 8.69 4H4v4.69L.69 12 4 15.31V20h4.69L12 23.31 15.31 20H20v-4.69L23.31 12 20 8.69zM12 18c-3.31 0-6-2.69-6-6s2.69-6 6-6 6 2.69 6 6-2.69 6-6 6z"),
    person: P("M12 12c2.21 0 4-1.79 4-4s-1.79-4-4-4-4 1.79-4 4 1.79 4 4 4zm0 2c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z"),
    clock: P("M11.99 2C6.47 2 2 6.48 2 12s4.47 10 9.99 10C17.52 22 22 17.52 22 12S17.52 2 11.99 2zM12 20c-4.42 0-8-3.58-8-8s3.58-8 8-8 8 3.58 8 8-3.58 8-8 8zm.5-13H11v6l5.25 3.15.75-1.23-4.5-2.67z"),
    edit: P("M3 17.25V21h3.75L17.81 9.94l-3.75-3.75L3 17.25zM20.71 7.04a.996.996 0 0 0 0-1.41l-2.34-2.34a.996.996 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z"),
    chat: P("M20 2H4c-1.1 0-1.99.9-1.99 2L2 22l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2zM6 9h12v2H6V9zm8 5H6v-2h8v2zm4-6H6V6h12v2z"),
    settings: `<circle cx="12" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="4" stroke-dasharray="3.3 2.2"/><circle cx="12" cy="12" r="5.5" fill="none" stroke="currentColor" stroke-width="2.5"/>`,
    money: P("M11.8 10.9c-2.27-.59-3-1.2-3-2.15 0-1.09 1.01-1.85 2.7-1.85 1.78 0 2.44.85 2.5 2.1h2.21c-.07-1.72-1.12-3.3-3.21-3.81V3h-3v2.16c-1.94.42-3.5 1.68-3.5 3.61 0 2.31 1.91 3.46 4.7 4.13 2.5.6 3 1.48 3 2.41 0 .69-.49 1.79-2.7 1.79-2.06 0-2.87-.92-2.98-2.1h-2.2c.12 2.19 1.76 3.42 3.68 3.83V21h3v-2.15c1.95-.37 3.5-1.5 3.5-3.55 0-2.84-2.43-3.81-4.7-4.4z"),
    calendar: P("M19 4h-1V2h-2v2H8V2H6v2H5c-1.11 0-1.99.9-1.99 2L3 20a2 2 0 0 0 2 2h14c1.1 0 2-.9 2-2V6c0-1.1-.9-2-2-2zm0 16H5V10h14v10zM9 14H7v-2h2v2zm4 0h-2v-2h2v2zm4 0h-2v-2h2v2z"),
    camera: P("M9 2L7.17 4H4c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V6c0-1.1-.9-2-2-2h-3.17L15 2H9zm3 15c-2.76 0-5-2.24-5-5s2.24-5 5-5 5 2.24 5 5-2.24 5-5 5zm0-8.2a3.2 3.2 0 1 0 0 6.4 3.2 3.2 0 0 0 0-6.4z"),
    videocam: P("M17 10.5V7c0-.55-.45-1-1-1H4c-.55 0-1 .45-1 1v10c0 .55.45 1 1 1h12c.55 0 1-.45 1-1v-3.5l4 4v-11l-4 4z"),
    mic: P("M12 14c1.66 0 2.99-1.34 2.99-3L15 5c0-1.66-1.34-3-3-3S9 3.34 9 5v6c0 1.66 1.34 3 3 3zm5.3-3c0 3-2.54 5.1-5.3 5.1S6.7 14 6.7 11H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c3.28-.48 6-3.3 6-6.72h-1.7z"),
    stop: P("M6 6h12v12H6z"),
    note: P("M14 2H6c-1.1 0-1.99.9-1.99 2L4 20c0 1.1.89 2 1.99 2H18c1.1 0 2-.9 2-2V8l-6-6zm2 16H8v-2h8v2zm0-4H8v-2h8v2zm-3-5V3.5L18.5 9H13z"),
    run: P("M13.49 5.48c1.1 0 2-.9 2-2s-.9-2-2-2-2 .9-2 2 .9 2 2 2zm-3.6 13.9l1-4.4 2.1 2v6h2v-7.5l-2.1-2 .6-3c1.3 1.5 3.3 2.5 5.5 2.5v-2c-1.9 0-3.5-1-4.3-2.4l-1-1.6c-.4-.6-1-1-1.7-1-.3 0-.5.1-.8.1l-5.2 2.2v4.7h2v-3.4l1.8-.7-1.6 8.1-4.9-1-.4 2 7 1.4z"),
    brush: P("M7 14c-1.66 0-3 1.34-3 3 0 1.31-1.16 2-2 2 .92 1.22 2.49 2 4 2 2.21 0 4-1.79 4-4 0-1.66-1.34-3-3-3zm13.71-9.37l-1.34-1.34a.996.996 0 0 0-1.41 0L9 12.25 11.75 15l8.96-8.96a.996.996 0 0 0 0-1.41z"),
    music: P("M12 3v10.55c-.59-.34-1.27-.55-2-.55-2.21 0-4 1.79-4 4s1.79 4 4 4 4-1.79 4-4V7h4V3h-6z"),
    queue: P("M15 6H3v2h12V6zm0 4H3v2h12v-2zM3 16h8v-2H3v2zM17 6v8.18c-.31-.11-.65-.18-1-.18-1.66 0-3 1.34-3 3s1.34 3 3 3 3-1.34 3-3V8h3V6h-5z"),
    playlistAdd: P("M14 10H2v2h12v-2zm0-4H2v2h12V6zm4 8v-4h-2v4h-4v2h4v4h2v-4h4v-2h-4zM2 16h8v-2H2v2z"),
    image: P("M21 19V5c0-1.1-.9-2-2-2H5c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h14c1.1 0 2-.9 2-2zM8.5 13.5l2.5 3.01L14.5 12l4.5 6H5l3.5-4.5z"),
    restaurant: P("M11 9H9V2H7v7H5V2H3v7c0 2.12 1.66 3.84 3.75 3.97V22h2.5v-9.03C11.34 12.84 13 11.12 13 9V2h-2v7zm5-3v8h2.5v8H21V2c-2.76 0-5 2.24-5 4z"),
    checkbox: P("M19 3H5c-1.11 0-2 .9-2 2v14c0 1.1.89 2 2 2h14c1.11 0 2-.9 2-2V5c0-1.1-.89-2-2-2zm-9 14l-5-5 1.41-1.41L10 14.17l7.59-7.59L19 8l-9 9z"),
    shift: P("M12 3.5L3 13h5v7h8v-7h5z"),
    enter: P("M19 7v4H5.83l3.58-3.59L8 6l-6 6 6 6 1.41-1.41L5.83 13H21V7z"),
    chevronLeft: P("M15.41 7.41L14 6l-6 6 6 6 1.41-1.41L10.83 12z"),
    chevronRight: P("M10 6L8.59 7.41 13.17 12l-4.58 4.59L10 18l6-6z"),
    navBack: `<path d="M17 5L6 12l11 7z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>`,
    navHome: `<circle cx="12" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="2"/>`,
    navRecents: `<rect x="6" y="6" width="12" height="12" rx="2" fill="none" stroke="currentColor" stroke-width="2"/>`,
  };
  /** An icon as decoration: aria-hidden, so the element tree sees only its labelled parent. */
  const icon = (name, size = 24, color = "currentColor") => `<svg aria-hidden="true" width="${size}" height="${size}" viewBox="0 0 24 24" fill="${color}" style="color:${color}">${ICONS[name] || ""}</svg>`;
  const appIcon = (ap) => `<span class="glyph" aria-hidden="true" style="background:${ap.color}">${icon(ap.icon, 28, "#fff")}</span>`;

  function a(o) {
    // attributes: {cls, id, desc, act, arg, long, larg, sel, checked, role, scroll, pkg}
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
    if (o.scroll) s += ` data-scroll="${esc(o.scroll)}"`;
    if (o.pkg) s += ` data-pkg="${esc(o.pkg)}"`;
    return s;
  }
  const tv = (text, cls = "", o = {}) => `<div class="${cls}"${a({ cls: "android.widget.TextView", ...o })}>${esc(text)}</div>`;
  const btn = (text, act, arg, cls = "btn", o = {}) => `<button class="${cls}"${a({ cls: "android.widget.Button", act, arg, ...o })}>${esc(text)}</button>`;
  const ibtn = (desc, ic, act, arg, o = {}) => `<button class="iconbtn"${a({ cls: "android.widget.ImageButton", desc, act, arg, ...o })}>${icon(ic)}</button>`;
  const fab = (desc, act, arg, ic = "add", style = "") => `<button class="fab"${style ? ` style="${style}"` : ""}${a({ cls: "android.widget.ImageButton", desc, act, arg, id: "fab" })}>${icon(ic, 28)}</button>`;
  const sw = (on, act, arg, id) => `<button class="switch${on ? " on" : ""}"${a({ cls: "android.widget.Switch", role: "switch", checked: on, act, arg, id })}></button>`;
  const cb = (on, act, arg, id) => `<button class="checkbox${on ? " on" : ""}"${a({ cls: "android.widget.CheckBox", role: "checkbox", checked: on, act, arg, id })}>${on ? icon("check", 20) : ""}</button>`;
  function field(key, hint, opts = {}) {
    const v = form(key, opts.value ?? "");
    const tag = opts.multiline ? "textarea" : "input";
    const common = ` data-field="${esc(key)}" placeholder="${esc(hint)}"${a({ cls: "android.widget.EditText", id: opts.id ?? key, act: "focus", arg: key, long: "fieldMenu", larg: key })}${opts.enter ? ` data-enter="${esc(opts.enter)}"` : ""}`;
    return `<label class="field"${a({ cls: "android.widget.FrameLayout" })}>${tag === "input" ? `<input${common} value="${esc(v)}">` : `<textarea${common}>${esc(v)}</textarea>`}</label>`;
  }
  const pickRow = (fieldHtml, button) => `<div class="fieldrow"${a({ cls: "android.widget.LinearLayout" })}>${fieldHtml}${button}</div>`;
  function appbar(title, { back = true, actions = "" } = {}) {
    return `<div class="appbar"${a({ cls: "android.view.ViewGroup", id: "toolbar" })}>${back ? ibtn("Navigate up", "arrowBack", "up") : ""}${tv(title, "title", { id: "toolbar_title" })}${actions}</div>`;
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
  function goHome() { remember(); S.stack = [{ s: "home" }]; S.focus = null; S.dialog = null; S.shade = false; }
  /** Records the app being left in Overview's list (most recent first), with its screens, so Overview resumes it. */
  function remember() {
    const app = S.stack.length > 1 ? appOf(S.stack[1].s) : undefined;
    if (!app) return;
    S.recents = [{ app: app.id, stack: JSON.parse(JSON.stringify(S.stack.slice(1))) }, ...(S.recents || []).filter((x) => x.app !== app.id)];
  }
  /** The system back key: closes the shade, then the keyboard, then a dialog, then the screen. */
  function sysBack() {
    if (S.shade) S.shade = false;
    else if (S.focus) S.focus = null;
    else if (S.dialog) S.dialog = null;
    else if (top().s !== "home") leave();
  }
  function sysHome() { if (top().s === "markor.edit") saveNote(); goHome(); }
  function setAirplane(on) {
    // As Android by default: airplane mode turns Wi-Fi and Bluetooth off, and turning it off restores them.
    const st = S.settings;
    if (Boolean(st.airplane) === on) return;
    st.airplane = on;
    if (on) { st.beforeAirplane = { wifi: st.wifi, bluetooth: st.bluetooth }; st.wifi = false; st.bluetooth = false; }
    else { const b = st.beforeAirplane || {}; st.wifi = st.wifi || Boolean(b.wifi); st.bluetooth = st.bluetooth || Boolean(b.bluetooth); delete st.beforeAirplane; }
  }
  const kbState = () => (S.kb = S.kb || { shift: false, page: "abc" });
  /** A field's shown text: its default (e.g. today's date) until it is edited. The DOM is a function of S. */
  function fieldValue(key) {
    const el = phone.querySelector(`[data-field="${CSS.escape(key)}"]`);
    return el ? el.value : form(key);
  }
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  const daysIn = (y, m) => new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const num = (v) => (String(v).trim() === "" ? NaN : Number(v));
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
    focus: (key) => { S.focus = key; S.kb = { shift: false, page: "abc" }; },
    toggle: (k) => { if (k === "airplane") setAirplane(!S.settings.airplane); else S.settings[k] = !S.settings[k]; },
    // system UI: navigation bar, quick settings, app drawer, Overview
    navBack: () => sysBack(),
    navHome: () => sysHome(),
    navRecents: () => { if (top().s === "home.recents") { goHome(); return; } sysHome(); push("home.recents"); },
    recentOpen: (id) => {
      const r = (S.recents || []).find((x) => x.app === id);
      if (!r) return;
      S.recents = [r, ...S.recents.filter((x) => x !== r)];
      S.stack = [{ s: "home" }, ...JSON.parse(JSON.stringify(r.stack))];
      S.focus = null; S.dialog = null;
      const t = top();
      if (t.s === "markor.edit") { const n = S.notes.find((x) => x.name === t.name); S.forms.mk_content = n ? n.content : ""; }
    },
    recentsClear: () => { S.recents = []; goHome(); },
    qsToggle: (k) => ACT.toggle(k),
    qsSettings: () => openApp("settings"),
    // on-screen keyboard: keys edit the focused field at its end, where the caret always is
    kbKey: (c) => {
      if (!S.focus) return;
      const kb = kbState();
      S.forms[S.focus] = fieldValue(S.focus) + c;
      if (kb.shift) kb.shift = false; // shift is one-shot, as on Gboard
    },
    kbDel: () => { if (S.focus) S.forms[S.focus] = fieldValue(S.focus).slice(0, -1); },
    kbShift: () => { const kb = kbState(); kb.shift = !kb.shift; },
    kbPage: (page) => { const kb = kbState(); kb.page = page; kb.shift = false; },
    kbEnter: () => enter(phone.querySelector(`[data-field="${CSS.escape(S.focus || "")}"]`)),
    // date and time pickers; each writes the field(s) it was opened for
    pickDate: (key) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(fieldValue(key).trim());
      const d = m && !Number.isNaN(Date.UTC(+m[1], +m[2] - 1, +m[3])) && +m[2] >= 1 && +m[2] <= 12 && +m[3] >= 1 && +m[3] <= daysIn(+m[1], +m[2] - 1) ? { y: +m[1], m: +m[2] - 1, d: +m[3] } : (() => { const t = new Date(S.time); return { y: t.getUTCFullYear(), m: t.getUTCMonth(), d: t.getUTCDate() }; })();
      S.focus = null;
      S.dialog = { kind: "datePicker", key, ...d, vy: d.y, vm: d.m };
    },
    dpMonth: (delta) => { const d = S.dialog, t = new Date(Date.UTC(d.vy, d.vm + Number(delta), 1)); d.vy = t.getUTCFullYear(); d.vm = t.getUTCMonth(); },
    dpDay: (n) => { const d = S.dialog; d.y = d.vy; d.m = d.vm; d.d = Number(n); },
    dpOk: () => { const d = S.dialog; S.forms[d.key] = `${d.y}-${pad2(d.m + 1)}-${pad2(d.d)}`; S.dialog = null; },
    pickTime: (target) => {
      // target "al": the alarm's hour and minute fields; otherwise one HH:MM field
      let h = NaN, m = NaN;
      if (target === "al") { h = num(fieldValue("al_hour")); m = num(fieldValue("al_minute")); }
      else { const x = /^(\d{1,2}):(\d{2})$/.exec(fieldValue(target).trim()); if (x) { h = Number(x[1]); m = Number(x[2]); } }
      const ok = (v, max) => Number.isInteger(v) && v >= 0 && v <= max;
      const now = new Date(S.time);
      S.focus = null;
      S.dialog = { kind: "timePicker", target, h: ok(h, 23) ? h : now.getUTCHours(), m: ok(m, 59) ? m : now.getUTCMinutes() };
    },
    tpHour: (h) => { S.dialog.h = Number(h); },
    tpMinute: (m) => { S.dialog.m = Number(m); },
    tpStep: (delta) => { const d = S.dialog; d.m = (d.m + Number(delta) + 60) % 60; },
    tpOk: () => {
      const d = S.dialog;
      if (d.target === "al") { S.forms.al_hour = String(d.h); S.forms.al_minute = String(d.m); }
      else S.forms[d.target] = pad2(d.h) + ":" + pad2(d.m);
      S.dialog = null;
    },
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
    // camera: a photo lands in Pictures, a video in Movies (AndroidWorld's PHOTOS_DATA, VIDEOS_DATA), named by the device time
    cameraMode: (mode) => { const c = cameraState(); if (!c.recordingSince) c.mode = mode; },
    cameraShutter: () => {
      const c = cameraState();
      if (c.mode === "photo") { S.files.push({ folder: "Pictures", name: `IMG_${stamp(S.time)}.jpg`, size: 2400 }); return; }
      if (!c.recordingSince) { c.recordingSince = S.time; return; }
      const secs = Math.max(1, Math.round((S.time - c.recordingSince) / 1000));
      S.files.push({ folder: "Movies", name: `VID_${stamp(c.recordingSince)}.mp4`, size: 900 * secs });
      c.recordingSince = 0;
    },
    // audio recorder: stop saves "Record-N.m4a" and offers to rename it
    recorderToggle: () => {
      const r = recorderState();
      if (!r.startedAt) { r.startedAt = S.time; return; }
      const ms = S.time - r.startedAt;
      let n = r.recordings.length + 1;
      while (r.recordings.some((x) => x.name === `Record-${n}.m4a`)) n++;
      const name = `Record-${n}.m4a`;
      r.recordings.push({ name, durationMs: ms, size: Math.ceil(ms / 1000) * 16 });
      r.startedAt = 0;
      S.forms.ar_name = `Record-${n}`;
      S.dialog = { kind: "recorderName", name };
    },
    recorderRename: () => {
      const d = S.dialog, typed = form("ar_name").trim();
      const to = typed.replace(/[\/]/g, "_") + ".m4a"; // the app adds the extension to the typed name, as the real one does
      const rec = recorderState().recordings.find((x) => x.name === d.name);
      if (typed && rec && !recorderState().recordings.some((x) => x !== rec && x.name === to)) rec.name = to;
      clearForms("ar_");
      S.dialog = null;
    },
    // Joplin: notebooks, then their notes and to-dos
    joplinFolder: (folder) => push("joplin.folder", { folder }),
    joplinOpen: (id) => push("joplin.note", { id: Number(id) }),
    joplinTodo: (id) => { const n = (S.joplin || []).find((x) => x.id === Number(id)); if (n && n.isTodo) n.done = !n.done; },
    // OpenTracks
    trackOpen: (id) => push("tracks.view", { id: Number(id) }),
    // Simple Draw Pro: a tap draws a dot; Save writes the drawing to Pictures under the name typed
    drawTap: (_arg, el, ev) => {
      const r = el.getBoundingClientRect(), d = drawState();
      if (d.dots.length < 500) d.dots.push({ x: Math.round(ev.clientX - r.left), y: Math.round(ev.clientY - r.top) });
    },
    drawClear: () => { drawState().dots = []; },
    drawSaveAsk: () => { clearForms("dr_"); S.dialog = { kind: "drawSave" }; S.focus = "dr_name"; },
    drawExt: (ext) => { S.forms.dr_ext = ext; },
    drawSave: () => {
      const typed = form("dr_name").trim().replace(/[\/]/g, "_");
      if (!typed) return;
      // A name typed with one of the formats' extensions keeps it; otherwise the chosen format's is added.
      const name = /\.(png|svg|jpg)$/i.test(typed) ? typed : `${typed}.${form("dr_ext", "png")}`;
      S.files = S.files.filter((f) => !(f.folder === "Pictures" && f.name === name));
      S.files.push({ folder: "Pictures", name, size: 40 + drawState().dots.length });
      clearForms("dr_");
      S.dialog = null;
      S.focus = null;
    },
    // Retro Music: a long press starts a selection (kept in tap order); a tap then adds or removes a song
    songSelect: (title) => { const t = top(); t.sel = t.sel || []; if (!t.sel.includes(title)) t.sel.push(title); },
    songTap: (title) => {
      const t = top();
      if (t.sel && t.sel.length) { toggleSel(t, title); return; }
      lib().queue = [title]; // playing a song starts a new queue with it, as the real player does
    },
    selQueue: () => { const t = top(); const m = lib(); m.queue.push(...t.sel); t.sel = []; },
    selPlaylist: () => { S.dialog = { kind: "musicAddTo" }; },
    musicAddTo: (name) => {
      const t = top(), pl = lib().playlists.find((x) => x.name === name);
      if (pl) pl.songs.push(...t.sel);
      t.sel = [];
      S.dialog = null;
    },
    musicNewPlaylist: () => { clearForms("mu_"); S.dialog = { kind: "musicNew", adding: Boolean(top().sel && top().sel.length) }; S.focus = "mu_name"; },
    musicNewOk: () => {
      const name = form("mu_name").trim(), m = lib();
      if (!name || m.playlists.some((x) => x.name === name)) return;
      const t = top(), songs = S.dialog && S.dialog.adding && t.sel ? [...t.sel] : [];
      m.playlists.push({ name, songs });
      if (t.sel) t.sel = [];
      clearForms("mu_");
      S.dialog = null;
      S.focus = null;
    },
    playlistOpen: (name) => push(libKey() + ".playlist", { name }),
    // "Save playlist" writes NAME.m3u into Download, as Retro Music's export does.
    playlistSave: (name) => {
      const pl = lib().playlists.find((x) => x.name === name);
      if (!pl) return;
      const fname = name.replace(/[\/]/g, "_") + ".m3u";
      S.files = S.files.filter((f) => !(f.folder === "Download" && f.name === fname));
      S.files.push({ folder: "Download", name: fname, size: 1 + pl.songs.length });
      S.dialog = { kind: "msg", title: "Playlist saved", text: `Saved to Download/${fname}` };
    },
    // Simple Gallery Pro: the pictures in DCIM
    galleryOpen: (name) => push("gallery.view", { name }),
    // recipes (Broccoli): a recipe is saved with the fields as typed; a title is required
    recipeNew: () => { clearForms("rc_"); push("recipe.edit"); },
    recipeSave: () => {
      const title = form("rc_title").trim();
      if (!title) { S.dialog = { kind: "msg", title: "Missing title", text: "A recipe needs a title." }; return; }
      const f = (k) => form("rc_" + k).trim();
      S.recipes.push({ id: newId(), title, description: f("description"), servings: f("servings"), preparationTime: f("time"), source: f("source"), ingredients: f("ingredients"), directions: f("directions"), favorite: 0 });
      clearForms("rc_");
      pop();
    },
    recipeOpen: (id) => push("recipe.view", { id: Number(id) }),
    recipeFavorite: (id) => { const r = S.recipes.find((x) => x.id === Number(id)); if (r) r.favorite = r.favorite ? 0 : 1; },
    recipeDelete: (id) => { S.dialog = { kind: "confirm", title: "Delete recipe?", text: "This recipe will be deleted.", ok: "recipeDeleteOk", arg: id }; },
    recipeDeleteOk: (id) => { S.recipes = S.recipes.filter((r) => r.id !== Number(id)); S.dialog = null; pop(); },
    // files
    folderOpen: (path) => push("files.folder", { path, sel: [] }),
    fileOpen: (name) => { const t = top(); if (t.sel && t.sel.length) toggleSel(t, name); },
  };
  const LONG = {
    songSelect: (title) => ACT.songSelect(title),
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
    home: () => `<div class="home"${a({ cls: "android.widget.FrameLayout", pkg: LAUNCHER_PKG, id: "workspace" })}>${APPS.map(appTile).join("")}</div>`,
    // The app drawer: every app, by name (a swipe up on the home screen opens it).
    "home.drawer": () => `<div class="drawer"${a({ cls: "android.widget.FrameLayout", id: "apps_view" })}>${tv("All apps", "drawer-title", { id: "all_apps_header" })}<div class="scroll"${a({ cls: "androidx.recyclerview.widget.RecyclerView", scroll: "drawer", id: "apps_list_view" })}><div class="drawer-grid"${a({ cls: "android.widget.LinearLayout" })}>${[...APPS].sort((x, y) => x.name.localeCompare(y.name)).map(appTile).join("")}</div></div></div>`,
    // Overview (the navigation bar's square): recently left apps; a tap resumes one where it was.
    "home.recents": () => {
      const rs = (S.recents || []).filter((x) => APP_BY_ID[x.app]);
      return `<div class="recents"${a({ cls: "android.widget.FrameLayout", id: "overview_panel" })}>${tv("Recent apps", "drawer-title", { id: "overview_title" })}${rs.length === 0 ? tv("No recent items", "empty") : list("recents", rs.map((x) => row(APP_BY_ID[x.app].name, "", { act: "recentOpen", arg: x.app, before: appIcon(APP_BY_ID[x.app]), pid: "snapshot_title" })).join("")) + `<div class="btnrow" style="justify-content:center">${btn("Clear all", "recentsClear", undefined, "btn flat", { id: "clear_all" })}</div>`}</div>`;
    },

    "settings.main": () => appbar("Settings", { back: false }) + list("settings", [
      row("Network & internet", "Wi‑Fi: " + (S.settings.wifi ? "On" : "Off"), { act: "push", arg: "settings.network" }),
      row("Connected devices", "Bluetooth: " + (S.settings.bluetooth ? "On" : "Off"), { act: "push", arg: "settings.connected" }),
      row("Display", "Brightness " + S.settings.brightness + "%", { act: "push", arg: "settings.display" }),
    ].join("")),
    "settings.network": () => appbar("Network & internet") + list("settings.network", row("Wi‑Fi", S.settings.wifi ? "On" : "Off", { act: "toggle", arg: "wifi", after: sw(S.settings.wifi, "toggle", "wifi", "switch_widget") }) + row("Airplane mode", S.settings.airplane ? "On" : "Off", { act: "toggle", arg: "airplane", after: sw(Boolean(S.settings.airplane), "toggle", "airplane", "airplane_switch") })),
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
          body = `<div class="scroll">${tv(`${p.slice(0, 2)}h ${p.slice(2, 4)}m ${p.slice(4, 6)}s`, "big", { id: "timer_setup_time" })}<div class="keypad">${keys}${ibtn("Delete", "backspace", "digitDel", undefined, { id: "timer_setup_delete" })}</div>${t.digits ? fab("Start", "timerStart", undefined, "play", "left:152px") : ""}</div>`;
        }
      } else {
        const w = S.clock.stopwatch;
        const moved = w.base > 0 || w.running;
        const laps = (w.laps || []).map((ms, i) => tv(`Lap ${i + 1}  ${durationText(ms)}`, "detail", { id: "lap_time" })).join("");
        body = `<div class="scroll">${tv(stopwatchText(), "big", { id: "stopwatch_time_text" })}<div class="btnrow" style="justify-content:center">${moved && !w.running ? btn("Reset", "swReset", undefined, "btn flat", { id: "reset" }) : ""}${w.running ? ibtn("Lap", "timer", "swLap", undefined, { id: "left_button" }) : ""}</div>${laps}${fab(w.running ? "Pause" : "Start", "swToggle", undefined, w.running ? "pause" : "play", "left:152px")}</div>`;
      }
      const tabs = ["alarm", "timer", "stopwatch"].map((x) => `<button class="tab${x === tab ? " sel" : ""}"${a({ cls: "android.widget.TextView", act: "clockTab", arg: x, sel: x === tab, id: "tab_" + x })}>${x[0].toUpperCase() + x.slice(1)}</button>`).join("");
      return appbar(tab[0].toUpperCase() + tab.slice(1), { back: false }) + `<div class="tabpane">${body}</div>` + `<div class="tabs"${a({ cls: "android.widget.LinearLayout", id: "tabs" })}>${tabs}</div>`;
    },
    "clock.alarmEdit": () => appbar("Add alarm", { actions: btn("Save", "alarmSave", undefined, "btn", { id: "save" }) }) + list("clock.alarmEdit", field("al_hour", "Hour (0-23)") + field("al_minute", "Minute (0-59)") + `<div class="btnrow"${a({ cls: "android.widget.LinearLayout" })}>${btn("Pick time", "pickTime", "al", "btn flat", { id: "pick_time" })}</div>` + field("al_label", "Label")),

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
      const actions = sel.length ? ibtn("Select all", "menu", "selSelectAll", undefined, { id: "action_select_all" }) + ibtn("Move", "forward", "markorMove", undefined, { id: "action_move" }) + ibtn("Delete", "delete", "selDelete", undefined, { id: "action_delete" }) : ibtn("Create folder", "newFolder", "markorFolderNew", undefined, { id: "action_new_folder" });
      const notes = S.notes.filter((n) => inDir(n.name, dir)).sort((x, y) => x.name.localeCompare(y.name));
      const dirs = markorDirsAll().filter((f) => inDir(f, dir)).map((f) => row(baseName(f), "Folder", { act: "markorDir", arg: f, pid: "ui__filesystem_item__title" })).join("");
      return appbar(sel.length ? `${sel.length} selected` : dir ? baseName(dir) : "Markor", { back: sel.length > 0 || dir !== "", actions }) + list("markor" + (dir ? "/" + dir : ""), notes.length === 0 && !dirs ? tv("No notes", "empty") : dirs + notes.map((n) => row(baseName(n.name), new Date(n.mtime).toISOString().slice(0, 16).replace("T", " "), { act: "noteOpen", arg: n.name, long: "noteSelect", larg: n.name, sel: sel.includes(n.name), pid: "ui__filesystem_item__title" })).join(""), sel.length ? "" : fab("Create a new note", "noteNew"));
    },
    "markor.edit": () => appbar(top().name, { actions: ibtn("Save", "save", "noteSave", undefined, { id: "action_save" }) }) + `<div class="scroll"${a({ cls: "android.widget.ScrollView", id: "document__fragment__edit__content_editor__scrolling_parent" })}>${field("mk_content", "Start writing…", { multiline: true, id: "document__fragment__edit__highlighting_editor" })}</div>`,

    "sms.main": () => {
      const th = [...S.sms].sort((x, y) => lastTime(y) - lastTime(x) || x.number.localeCompare(y.number));
      return appbar("Simple SMS Messenger", { back: false }) + list("sms", th.length === 0 ? tv("No conversations", "empty") : th.map((t) => row(t.name || t.number, t.messages.length ? t.messages[t.messages.length - 1].text : "", { act: "smsOpen", arg: t.number, pid: "conversation_address", sid: "conversation_body_short" })).join(""), fab("Start conversation", "smsNew"));
    },
    "sms.new": () => appbar("New conversation") + list("sms.new", field("sms_to", "Add Contact or Number", { id: "new_conversation_address" }) + field("sms_new_body", "Type a message", { id: "thread_type_message", enter: "" }) + `<div class="btnrow">${ibtn("Send", "send", "smsSendNew", undefined, { id: "thread_send_message" })}</div>`),
    "sms.thread": () => {
      const t = S.sms.find((x) => x.number === top().number) || { number: top().number, name: "", messages: [] };
      return appbar(t.name || t.number) + list("sms.thread." + t.number, t.messages.map((m) => `<div class="bubble ${m.from}"${a({ cls: "android.widget.TextView", id: "thread_message_body" })}>${esc(m.text)}</div>`).join("")) + `<div class="composer"${a({ cls: "android.widget.LinearLayout" })}>${field("sms_body", "Type a message", { id: "thread_type_message" })}${ibtn("Send", "send", "smsSend", undefined, { id: "thread_send_message" })}</div>`;
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
    "calendar.edit": () => appbar("New event", { actions: btn("Save", "eventSave", undefined, "btn", { id: "save" }) }) + list("calendar.edit", field("ev_title", "Title", { id: "event_title" }) + field("ev_location", "Location", { id: "event_location" }) + field("ev_desc", "Description", { id: "event_description" }) + tv("Date (YYYY-MM-DD)", "header") + pickRow(field("ev_date", "Date", { value: today(), id: "event_start_date" }), ibtn("Pick date", "calendar", "pickDate", "ev_date", { id: "event_start_date_picker" })) + tv("Start time (HH:MM)", "header") + pickRow(field("ev_time", "Time", { value: pad2(new Date(S.time).getUTCHours() + 1) + ":00", id: "event_start_time" }), ibtn("Pick time", "clock", "pickTime", "ev_time", { id: "event_start_time_picker" })) + tv("Duration (minutes)", "header") + field("ev_duration", "Duration", { value: "60", id: "event_duration" }) + tv("Repeat", "header") + `<div class="btnrow"${a({ cls: "android.widget.LinearLayout" })}>${[["none", "No repetition"], ["daily", "Daily"], ["weekly", "Weekly"]].map(([v, l]) => btn(l, "eventRepeat", v, v === form("ev_repeat", "none") ? "btn on" : "btn flat", { sel: v === form("ev_repeat", "none"), id: "repeat_" + v })).join("")}</div>`),
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
      return appbar("Internal storage", { back: false }) + list("files", FOLDERS.map((f) => row(f, `${filesIn(f).length} items`, { act: "folderOpen", arg: f, before: icon("folder", 24, "#5f6368") })).join(""));
    },
    "files.folder": () => {
      const t = top(), sel = t.sel || [];
      const fs = filesIn(t.path);
      const actions = sel.length ? ibtn("Select all", "menu", "selSelectAll", undefined, { id: "action_select_all" }) + ibtn("Move to", "forward", "selMove", undefined, { id: "action_move" }) + ibtn("Delete", "delete", "selDelete", undefined, { id: "action_delete" }) : "";
      return appbar(sel.length ? `${sel.length} selected` : t.path, { actions }) + list("files." + t.path, fs.length === 0 ? tv("No items", "empty") : fs.map((f) => row(f.name, `${f.size} kB`, { act: "fileOpen", arg: f.name, long: "fileSelect", larg: f.name, sel: sel.includes(f.name) })).join(""));
    },
  };
  /** Broccoli lists recipes by title; among equal titles the newest first. */
  const recipeOrder = (x, y) => x.title.localeCompare(y.title) || y.id - x.id;
  SCREENS["recipe.main"] = () => {
    const rs = [...S.recipes].sort(recipeOrder);
    return appbar("Broccoli", { back: false }) + list("recipes", rs.length === 0 ? tv("No recipes yet", "empty") : rs.map((r) => row(r.title, r.directions, { act: "recipeOpen", arg: r.id, pid: "recipe_title", sid: "recipe_directions" })).join(""), fab("Add recipe", "recipeNew"));
  };
  SCREENS["recipe.edit"] = () => appbar("New recipe", { actions: btn("Save", "recipeSave", undefined, "btn", { id: "action_save" }) }) + list("recipe.edit", [["title", "Title"], ["description", "Description"], ["servings", "Servings"], ["time", "Preparation time"], ["source", "Source"], ["ingredients", "Ingredients"], ["directions", "Directions"]].map(([k, hint]) => field("rc_" + k, hint, { id: "recipe_" + k })).join(""));
  SCREENS["recipe.view"] = () => {
    const r = S.recipes.find((x) => x.id === top().id);
    if (!r) return appbar("Recipe") + tv("Recipe not found", "empty");
    const part = (label, v, id) => (v ? tv(label, "header") + tv(v, "detail", { id }) : "");
    return appbar(r.title, { actions: ibtn(r.favorite ? "Remove from favorites" : "Add to favorites", "check", "recipeFavorite", r.id, { id: "action_favorite", sel: Boolean(r.favorite) }) }) + list("recipe.view", tv(r.title, "big-title", { id: "recipe_title" }) + part("Description", r.description, "recipe_description") + part("Servings", r.servings, "recipe_servings") + part("Preparation time", r.preparationTime, "recipe_time") + part("Source", r.source, "recipe_source") + part("Ingredients", r.ingredients, "recipe_ingredients") + part("Directions", r.directions, "recipe_directions") + `<div class="btnrow">${btn("Delete", "recipeDelete", r.id, "btn flat", { id: "action_delete" })}</div>`);
  };
  // States captured before these apps existed lack their keys.
  const cameraState = () => (S.camera = S.camera || { mode: "photo", recordingSince: 0 });
  const recorderState = () => (S.recorder = S.recorder || { startedAt: 0, recordings: [] });
  /** Camera file names' time stamp, e.g. 20231015_153412. */
  const stamp = (t) => new Date(t).toISOString().slice(0, 19).replace(/-/g, "").replace("T", "_").replace(/:/g, "");
  SCREENS["camera.main"] = () => {
    const c = cameraState(), rec = Boolean(c.recordingSince);
    const modes = ["photo", "video"].map((m) => `<button class="tab${m === c.mode ? " sel" : ""}"${a({ cls: "android.widget.TextView", act: "cameraMode", arg: m, sel: m === c.mode, id: "mode_" + m })}>${m === "photo" ? "Photo" : "Video"}</button>`).join("");
    const shutterDesc = c.mode === "photo" ? "Shutter" : rec ? "Stop recording" : "Start recording";
    const shutter = `<button class="shutter${rec ? " rec" : ""}"${a({ cls: "android.widget.ImageButton", desc: shutterDesc, act: "cameraShutter", id: "shutter_button" })}>${icon(c.mode === "photo" ? "camera" : rec ? "stop" : "videocam", 32, "#fff")}</button>`;
    const timer = rec ? tv(durationText(S.time - c.recordingSince).slice(0, 5), "cam-timer", { id: "recording_time" }) : "";
    return `<div class="viewfinder"${a({ cls: "android.view.View", id: "preview", desc: "Camera preview" })}>${timer}</div><div class="tabs"${a({ cls: "android.widget.LinearLayout", id: "mode_options" })}>${modes}</div><div class="cam-bar"${a({ cls: "android.widget.FrameLayout", id: "bottom_bar" })}>${shutter}</div>`;
  };
  SCREENS["recorder.main"] = () => {
    const r = recorderState(), on = Boolean(r.startedAt);
    const rows = [...r.recordings].sort((x, y) => x.name.localeCompare(y.name)).map((x) => row(x.name, durationText(x.durationMs).slice(0, 5), { pid: "list_item_name", sid: "list_item_duration" })).join("");
    const btnRec = `<button class="fab rec-btn${on ? " on" : ""}"${a({ cls: "android.widget.ImageButton", desc: on ? "Stop recording" : "Record", act: "recorderToggle", id: "btn_record" })}>${icon(on ? "stop" : "mic", 28)}</button>`;
    return appbar("Audio Recorder", { back: false }) + tv(on ? durationText(S.time - r.startedAt).slice(0, 5) : "00:00", "big", { id: "txt_progress" }) + list("recorder", rows || tv("No records", "empty")) + btnRec;
  };
  SCREENS["joplin.main"] = () => {
    const notes = S.joplin || [];
    const folders = [...new Set(notes.map((n) => n.folder))].sort((x, y) => x.localeCompare(y));
    return appbar("Notebooks", { back: false }) + list("joplin", folders.length === 0 ? tv("No notebooks", "empty") : folders.map((f) => row(f, `${notes.filter((n) => n.folder === f).length} notes`, { act: "joplinFolder", arg: f, before: icon("folder", 24, "#5f6368"), pid: "folder_title" })).join(""));
  };
  SCREENS["joplin.folder"] = () => {
    const t = top(), ns = (S.joplin || []).filter((n) => n.folder === t.folder).sort((x, y) => x.title.localeCompare(y.title) || x.id - y.id);
    return appbar(t.folder) + list("joplin/" + t.folder, ns.length === 0 ? tv("No notes", "empty") : ns.map((n) => row(n.title, "", { act: "joplinOpen", arg: n.id, before: n.isTodo ? cb(Boolean(n.done), "joplinTodo", n.id, "todo_checkbox") : icon("note", 24, "#5f6368"), pid: "note_title" })).join(""));
  };
  SCREENS["joplin.note"] = () => {
    const n = (S.joplin || []).find((x) => x.id === top().id);
    if (!n) return appbar("Note") + tv("Note not found", "empty");
    return appbar(n.title) + list("joplin.note", tv(n.title, "big-title", { id: "note_title" }) + (n.isTodo ? row("To-do", n.done ? "Completed" : "Not completed", { before: cb(Boolean(n.done), "joplinTodo", n.id, "todo_checkbox") }) : "") + tv(n.body, "detail note-body", { id: "note_body" }));
  };
  /** OpenTracks' figures: distance in km with two decimals, time as h:mm:ss. */
  const km = (m) => (m / 1000).toFixed(2) + " km";
  const hms = (min) => `${Math.floor(min / 60)}:${pad2(min % 60)}:00`;
  SCREENS["tracks.main"] = () => {
    const ts = [...(S.tracks || [])].sort((x, y) => (y.date + y.startTime).localeCompare(x.date + x.startTime) || y.id - x.id);
    return appbar("OpenTracks", { back: false }) + list("tracks", ts.length === 0 ? tv("No recorded tracks", "empty") : ts.map((t) => row(t.name, `${t.category} · ${t.date} ${t.startTime} · ${km(t.distanceM)} · ${hms(t.durationMin)}`, { act: "trackOpen", arg: t.id, pid: "trackListItemName", sid: "trackListItemSummary" })).join(""));
  };
  SCREENS["tracks.view"] = () => {
    const t = (S.tracks || []).find((x) => x.id === top().id);
    if (!t) return appbar("Track") + tv("Track not found", "empty");
    const stat = (label, v, id) => row(v, label, { pid: id, sid: id + "_label" });
    return appbar(t.name) + list("tracks.view", tv(t.name, "big-title", { id: "track_name" }) + stat("Activity type", t.category, "activity_type") + stat("Start", `${t.date} ${t.startTime}`, "start_time") + stat("Total time", hms(t.durationMin), "total_time") + stat("Distance", km(t.distanceM), "distance") + stat("Elevation gain", t.elevationGain + " m", "elevation_gain") + stat("Elevation loss", t.elevationLoss + " m", "elevation_loss") + (t.description ? tv(t.description, "detail", { id: "description" }) : ""));
  };
  const drawState = () => (S.draw = S.draw || { dots: [] });
  SCREENS["draw.main"] = () => {
    const dots = drawState().dots.map((d) => `<circle cx="${d.x}" cy="${d.y}" r="6"/>`).join("");
    const actions = ibtn("Clear", "delete", "drawClear", undefined, { id: "menu_clear" }) + ibtn("Save", "save", "drawSaveAsk", undefined, { id: "menu_save" });
    return appbar("Simple Draw Pro", { back: false, actions }) + `<div class="canvas"${a({ cls: "android.view.View", desc: "Canvas", act: "drawTap", id: "my_canvas" })}><svg aria-hidden="true" width="100%" height="100%" fill="#ad1457">${dots}</svg></div>`;
  };
  // Retro Music and VLC share their library screens and actions; each keeps its own library in S.
  const libKey = () => (top().s.startsWith("vlc.") ? "vlc" : "music");
  const lib = () => (S[libKey()] = S[libKey()] || { songs: [], playlists: [], queue: [] });
  const mmss = (ms) => `${Math.floor(ms / 60000)}:${pad2(Math.floor(ms / 1000) % 60)}`;
  SCREENS["music.main"] = () => {
    const t = top(), sel = t.sel || [], m = lib();
    const songs = [...m.songs].sort((x, y) => x.title.localeCompare(y.title));
    const actions = sel.length
      ? ibtn("Add to playing queue", "queue", "selQueue", undefined, { id: "action_add_to_current_playing" }) + ibtn("Add to playlist", "playlistAdd", "selPlaylist", undefined, { id: "action_add_to_playlist" })
      : ibtn("Playing queue", "queue", "push", "music.queue", { id: "action_queue" }) + ibtn("Playlists", "playlistAdd", "push", "music.playlists", { id: "action_playlists" });
    return appbar(sel.length ? `${sel.length} selected` : "Songs", { back: sel.length > 0, actions }) + list("music", songs.length === 0 ? tv("No songs", "empty") : songs.map((x) => row(x.title, `${x.artist} · ${mmss(x.durationMs)}`, { act: "songTap", arg: x.title, long: "songSelect", larg: x.title, sel: sel.includes(x.title), pid: "title", sid: "text" })).join(""));
  };
  SCREENS["vlc.main"] = () => {
    const t = top(), sel = t.sel || [];
    const videos = [...lib().songs].sort((x, y) => x.title.localeCompare(y.title));
    const actions = sel.length ? ibtn("Add to playlist", "playlistAdd", "selPlaylist", undefined, { id: "action_add_to_playlist" }) : ibtn("Playlists", "playlistAdd", "push", "vlc.playlists", { id: "action_playlists" });
    return appbar(sel.length ? `${sel.length} selected` : "Video", { back: sel.length > 0, actions }) + tv("Internal Memory/VLCVideos", "header", { id: "path" }) + list("vlc", videos.length === 0 ? tv("No videos", "empty") : videos.map((x) => row(x.title, mmss(x.durationMs), { act: "songTap", arg: x.title, long: "songSelect", larg: x.title, sel: sel.includes(x.title), pid: "title", sid: "text" })).join(""));
  };
  SCREENS["music.queue"] = () => appbar("Playing queue") + list("music.queue", lib().queue.length === 0 ? tv("The queue is empty", "empty") : lib().queue.map((title, i) => row(title, `${i + 1}`, { pid: "title", sid: "text" })).join(""));
  SCREENS["music.playlists"] = () => {
    const pls = [...lib().playlists].sort((x, y) => x.name.localeCompare(y.name));
    return appbar("Playlists") + list(libKey() + ".playlists", pls.length === 0 ? tv("No playlists", "empty") : pls.map((x) => row(x.name, `${x.songs.length} songs`, { act: "playlistOpen", arg: x.name, pid: "title", sid: "text" })).join(""), fab("New playlist", "musicNewPlaylist"));
  };
  SCREENS["music.playlist"] = () => {
    const name = top().name, pl = lib().playlists.find((x) => x.name === name);
    if (!pl) return appbar("Playlist") + tv("Playlist not found", "empty");
    const songs = pl.songs.map((title) => lib().songs.find((x) => x.title === title)).filter(Boolean);
    return appbar(pl.name, { actions: libKey() === "music" ? ibtn("Save playlist", "save", "playlistSave", pl.name, { id: "action_save_playlist" }) : "" }) + list(libKey() + ".playlist." + pl.name, songs.length === 0 ? tv("No songs", "empty") : songs.map((x) => row(x.title, `${x.artist ? x.artist + " · " : ""}${mmss(x.durationMs)}`, { pid: "title", sid: "text" })).join(""));
  };
  SCREENS["vlc.playlists"] = SCREENS["music.playlists"];
  SCREENS["vlc.playlist"] = SCREENS["music.playlist"];
  const pictures = () => S.files.filter((f) => f.folder === "DCIM").sort((x, y) => x.name.localeCompare(y.name));
  SCREENS["gallery.main"] = () => appbar("Simple Gallery Pro", { back: false }) + tv("DCIM", "header", { id: "directory_name" }) + list("gallery", pictures().length === 0 ? tv("No media files", "empty") : pictures().map((f) => row(f.name, `${f.size} kB`, { act: "galleryOpen", arg: f.name, before: icon("image", 24, "#00897b"), pid: "medium_name" })).join(""));
  // A picture is pixels: its text is drawn aria-hidden, so the element list has only the ImageView (described by the file name).
  SCREENS["gallery.view"] = () => {
    const f = pictures().find((x) => x.name === top().name);
    if (!f) return appbar("Picture") + tv("Picture not found", "empty");
    return appbar(f.name) + `<div class="scroll"${a({ cls: "android.widget.ScrollView", scroll: "gallery.view", id: "media_scroll" })}><div class="picture"${a({ cls: "android.widget.ImageView", desc: f.name, id: "medium_image" })}><div class="picture-text" aria-hidden="true">${esc(f.image || "")}</div></div></div>`;
  };
  const appTile = (ap) => `<button class="appicon"${a({ cls: "android.widget.TextView", act: "open", arg: ap.id, id: "icon" })}>${appIcon(ap)}<span class="label">${esc(ap.name)}</span></button>`;
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
    if (d.kind === "datePicker") return datePickerView(d);
    if (d.kind === "timePicker") return timePickerView(d);
    if (d.kind === "drawSave") {
      const ext = form("dr_ext", "png");
      const exts = ["png", "svg", "jpg"].map((x) => btn(x.toUpperCase(), "drawExt", x, x === ext ? "btn on" : "btn flat", { sel: x === ext, id: "extension_" + x })).join("");
      return dialogHtml("Save as", "Saved to Pictures", field("dr_name", "File name", { id: "save_image_filename", enter: "drawSave" }) + `<div class="btnrow"${a({ cls: "android.widget.RadioGroup", id: "save_image_radio_group" })}>${exts}</div>`, btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("OK", "drawSave", undefined, "btn", { id: "button1" }));
    }
    if (d.kind === "musicAddTo") return dialogHtml("Add to playlist", "", list("music.addTo", row("New playlist", "", { act: "musicNewPlaylist", before: icon("add", 24, "#5f6368") }) + lib().playlists.map((x) => row(x.name, `${x.songs.length} songs`, { act: "musicAddTo", arg: x.name })).join("")), btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }));
    if (d.kind === "musicNew") return dialogHtml("New playlist", "", field("mu_name", "Playlist name", { id: "playlist_name", enter: "musicNewOk" }), btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("Create", "musicNewOk", undefined, "btn", { id: "button1" }));
    if (d.kind === "recorderName") return dialogHtml("Name the recording", "", field("ar_name", "Record name", { id: "input_name", enter: "recorderRename" }), btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("OK", "recorderRename", undefined, "btn", { id: "button1" }));
    if (d.kind === "markorNew") return dialogHtml("Create a new note", "", field("mk_name", "Name", { id: "new_file_dialog__name", enter: "noteNewOk" }), btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("OK", "noteNewOk", undefined, "btn", { id: "button1" }));
    return "";
  }

  function datePickerView(d) {
    const iso = `${d.y}-${pad2(d.m + 1)}-${pad2(d.d)}`;
    const head = tv(`${dayName(iso)}, ${MONTHS[d.m].slice(0, 3)} ${d.d} ${d.y}`, "pk-head", { id: "date_picker_header_date" });
    const nav = `<div class="pk-nav"${a({ cls: "android.widget.LinearLayout" })}>${ibtn("Previous month", "chevronLeft", "dpMonth", -1, { id: "prev" })}${tv(`${MONTHS[d.vm]} ${d.vy}`, "pk-month", { id: "month_view" })}${ibtn("Next month", "chevronRight", "dpMonth", 1, { id: "next" })}</div>`;
    let cells = ["S", "M", "T", "W", "T", "F", "S"].map((w) => `<span class="pk-wd" aria-hidden="true">${w}</span>`).join("");
    cells += "<span></span>".repeat(new Date(Date.UTC(d.vy, d.vm, 1)).getUTCDay());
    for (let i = 1; i <= daysIn(d.vy, d.vm); i++) {
      const on = d.vy === d.y && d.vm === d.m && i === d.d;
      // Android's month view describes each day as "dd MMMM yyyy".
      cells += `<button class="pk-cell${on ? " on" : ""}"${a({ cls: "android.view.View", act: "dpDay", arg: i, desc: `${pad2(i)} ${MONTHS[d.vm]} ${d.vy}`, sel: on })}>${i}</button>`;
    }
    const grid = `<div class="pk-grid"${a({ cls: "android.view.View", id: "month_grid" })}>${cells}</div>`;
    return dialogHtml("Select date", "", head + nav + grid, btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("OK", "dpOk", undefined, "btn", { id: "button1" }));
  }
  function timePickerView(d) {
    const cell = (text, act, arg, desc, on) => `<button class="pk-cell${on ? " on" : ""}"${a({ cls: "android.view.View", act, arg, desc, sel: on })}>${text}</button>`;
    const hours = Array.from({ length: 24 }, (_, h) => cell(pad2(h), "tpHour", h, `${h} o'clock`, h === d.h)).join("");
    const minutes = Array.from({ length: 12 }, (_, i) => cell(pad2(i * 5), "tpMinute", i * 5, `${i * 5} minutes`, i * 5 === d.m)).join("");
    const inner = tv(`${pad2(d.h)}:${pad2(d.m)}`, "pk-head", { id: "time_header" }) + tv("Hour", "header") + `<div class="pk-grid six"${a({ cls: "android.view.View", id: "hours" })}>${hours}</div>` + tv("Minute", "header") + `<div class="pk-grid six"${a({ cls: "android.view.View", id: "minutes" })}>${minutes}</div>` + `<div class="pk-nav"${a({ cls: "android.widget.LinearLayout" })}>${ibtn("Previous minute", "chevronLeft", "tpStep", -1, { id: "minute_down" })}${tv("1 minute", "pk-month")}${ibtn("Next minute", "chevronRight", "tpStep", 1, { id: "minute_up" })}</div>`;
    return dialogHtml("Select time", "", inner, btn("Cancel", "dialogCancel", undefined, "btn flat", { id: "button2" }) + btn("OK", "tpOk", undefined, "btn", { id: "button1" }));
  }

  // ---------- system UI: keyboard, navigation bar, quick settings ----------
  const IME_PKG = "com.google.android.inputmethod.latin";
  const SYSUI_PKG = "com.android.systemui";
  function keyboardView() {
    if (!S.focus) return "";
    const kb = kbState();
    const key = (label, act, arg, o = {}) => `<button class="key${o.cls ? " " + o.cls : ""}"${a({ cls: "android.widget.Button", act, arg, desc: o.desc, id: o.id, sel: o.sel })}>${o.ic ? icon(o.ic, 22) : esc(label)}</button>`;
    const chars = (str) => [...str].map((c) => { const t = kb.shift ? c.toUpperCase() : c; return key(t, "kbKey", t); }).join("");
    const rowOf = (inner) => `<div class="krow">${inner}</div>`;
    const del = key("", "kbDel", undefined, { desc: "Delete", ic: "backspace", cls: "wide", id: "key_delete" });
    const bottom = (pageKey) => rowOf(pageKey + key(",", "kbKey", ",") + key("", "kbKey", " ", { desc: "Space", cls: "space", id: "key_space" }) + key(".", "kbKey", ".") + key("", "kbEnter", undefined, { desc: "Enter", ic: "enter", cls: "wide", id: "key_enter" }));
    const rows = kb.page === "sym"
      ? rowOf(chars("1234567890")) + rowOf(chars("@#$_&-+()/")) + rowOf(chars("*\"':;!?=%") + del) + bottom(key("ABC", "kbPage", "abc", { cls: "wide", id: "key_letters" }))
      : rowOf(chars("qwertyuiop")) + rowOf(chars("asdfghjkl")) + rowOf(key("", "kbShift", undefined, { desc: "Shift", ic: "shift", cls: "wide", id: "key_shift", sel: kb.shift }) + chars("zxcvbnm") + del) + bottom(key("?123", "kbPage", "sym", { cls: "wide", id: "key_symbols" }));
    return `<div class="keyboard"${a({ cls: "android.widget.FrameLayout", pkg: IME_PKG, id: "keyboard_view" })}>${rows}</div>`;
  }
  function navbarView() {
    const b = (desc, act, id, ic) => `<button class="navbtn"${a({ cls: "android.widget.ImageView", desc, act, id })}>${icon(ic, 22)}</button>`;
    return `<div class="navbar"${a({ cls: "android.widget.FrameLayout", pkg: SYSUI_PKG, id: "navigation_bar_frame" })}>${b("Back", "navBack", "back", "navBack")}${b("Home", "navHome", "home", "navHome")}${b("Overview", "navRecents", "recent_apps", "navRecents")}</div>`;
  }
  function shadeView() {
    if (!S.shade) return "";
    const st = S.settings;
    const tile = (k, label, ic, on) => `<button class="qs-tile${on ? " on" : ""}"${a({ cls: "android.widget.Switch", role: "switch", checked: on, desc: label, act: "qsToggle", arg: k, id: "tile_" + k })}>${icon(ic, 22)}<span class="qs-text">${tv(label, "qs-label", { id: "tile_label" })}${tv(on ? "On" : "Off", "qs-state", { id: "app_label" })}</span></button>`;
    const tiles = tile("wifi", "Wi-Fi", st.wifi ? "wifi" : "wifiOff", Boolean(st.wifi)) + tile("bluetooth", "Bluetooth", "bluetooth", Boolean(st.bluetooth)) + tile("airplane", "Airplane mode", "airplane", Boolean(st.airplane));
    const slider = `<div class="qs-bright"${a({ cls: "android.widget.LinearLayout", id: "brightness_slider" })}>${icon("brightness", 20)}<button class="seek qs-seek"${a({ cls: "android.widget.SeekBar", act: "seek", id: "slider", desc: "Display brightness " + st.brightness + "%" })}><div class="fill" style="width:${st.brightness}%"></div></button></div>`;
    return `<div class="shade"${a({ cls: "android.widget.FrameLayout", pkg: SYSUI_PKG, id: "notification_panel" })}><div class="qs"${a({ cls: "android.widget.LinearLayout", id: "quick_settings_panel" })}>${tv(clockText(S.time), "qs-clock", { id: "date_time" })}<div class="qs-grid"${a({ cls: "android.view.ViewGroup", id: "qs_tiles" })}>${tiles}</div>${slider}<div class="btnrow" style="justify-content:flex-end">${ibtn("Open settings", "settings", "qsSettings", undefined, { id: "settings_button" })}</div></div></div>`;
  }

  function appOf(screen) { return APP_BY_ID[screen.split(".")[0]]; }

  function render() {
    const t = top();
    const app = appOf(t.s);
    const pkg = app ? app.pkg : LAUNCHER_PKG;
    const view = (SCREENS[t.s] || (() => tv("Unknown screen", "empty")))();
    const st = S.settings;
    const sbIcon = (desc, ic) => `<span class="sb-icon"${a({ cls: "android.widget.ImageView", desc })}>${icon(ic, 14)}</span>`;
    const sb = `<div class="statusbar"${a({ cls: "android.widget.FrameLayout", pkg: SYSUI_PKG, id: "status_bar" })}>${tv(clockText(S.time), "sb-time", { id: "clock" })}<div class="sb-icons"${a({ cls: "android.widget.LinearLayout" })}>${st.airplane ? sbIcon("Airplane mode on.", "airplane") : ""}${st.bluetooth ? sbIcon("Bluetooth on", "bluetooth") : ""}${sbIcon(st.wifi ? "Wifi signal full." : "Wifi off.", st.wifi ? "wifi" : "wifiOff")}${sbIcon("Battery 100 percent.", "battery")}</div></div>`;
    phone.innerHTML = sb + `<div class="screen"${a({ cls: "android.widget.FrameLayout", pkg, id: "content" })}>${view}${dialogView()}</div>` + keyboardView() + navbarView() + shadeView();
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

  /** Enter in a text field: a new line in a multi-line one, else the field's action or the keyboard's "done". */
  function enter(el) {
    if (!el) return;
    const key = el.dataset.field;
    if (el.tagName === "TEXTAREA") { S.forms[key] = el.value + "\n"; return; }
    const act = el.dataset.enter;
    if (act && ACT[act]) ACT[act]();
    else S.focus = null;
  }

  // ---------- input ----------
  let down = null;
  let swallowClick = false;
  /**
   * Native input events seen (mouseup, click, keydown), counted before anything else:
   * the device waits for its input to arrive here before it reads the screen, since
   * the browser may answer the input call before the page has handled it.
   */
  let inputSeen = 0;
  for (const type of ["mouseup", "click", "keydown"]) document.addEventListener(type, () => { inputSeen++; }, true);
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
    const vertical = Math.abs(dy) >= Math.abs(dx);
    if (vertical && systemSwipe(ev.clientY - dy, dy)) return;
    if (sc && vertical) {
      const key = sc.dataset.scroll;
      const max = Math.max(0, sc.scrollHeight - sc.clientHeight);
      const v = Math.max(0, Math.min(max, (S.scroll[key] || 0) - dy));
      run(() => { S.scroll[key] = v; });
    }
  }, true);
  const STATUSBAR_H = 24; // CSS px: a swipe that starts here pulls down the shade
  const SWIPE_MIN = 80; // CSS px of travel the system gestures need
  /** The system's vertical swipes, before the app's scrolling; true when one was taken. */
  function systemSwipe(fromY, dy) {
    if (S.shade) { // the open shade takes every swipe; up closes it
      if (dy <= -SWIPE_MIN) run(() => { S.shade = false; });
      return true;
    }
    if (fromY < STATUSBAR_H && dy >= SWIPE_MIN) { run(() => { S.shade = true; }); return true; }
    const t = top().s;
    if (t === "home" && !S.dialog && dy <= -SWIPE_MIN) { run(() => push("home.drawer")); return true; }
    if (t === "home.drawer" && dy >= SWIPE_MIN && !(S.scroll.drawer > 0)) { run(() => pop()); return true; }
    return false;
  }
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
    run(() => enter(el));
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
    /** How many native mouseup, click and keydown events the page has handled. */
    inputSeen: () => inputSeen,
    getState: () => JSON.stringify(S),
    setState(json) { S = JSON.parse(json); render(); return true; },
    blank() { S = blankState(); render(); return true; },
    /** Merges task data into the state (top-level keys replaced). */
    patch(json) { Object.assign(S, JSON.parse(json)); render(); return true; },
    tree,
    back() { run(sysBack); return true; },
    home() { run(sysHome); return true; },
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
