/**
 * `dynamind view`: serves only .jsonl and .png files under the folders it was given
 * (every way out is refused), and in Debian's Chromium the page lists a recording
 * and a ReSim dataset, steps through the episode, outlines android-web's UI elements
 * on its screenshot, and draws the search tree with the chosen plan highlighted.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectResim } from "../../agent/resim/collect.js";
import { startViewer, type RunningViewer } from "../../cli/view/server.js";
import { isSafeRelative } from "../../cli/view/files.js";
import { CHROMIUM, HAVE_CHROMIUM } from "../android/helpers.js";
import { useTestServer } from "../support/server.js";
import { recordingClient, tempDir } from "./helpers.js";

/** The little of the DOM the page functions below touch (this project compiles without the DOM library). */
type BrowserGlobals = { document: { querySelector(s: string): { complete: boolean; naturalWidth: number; naturalHeight: number } | null } };


/** A raw GET, so the path reaches the server exactly as written (fetch would normalise `..`). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const HEADER = JSON.stringify({ type: "header", format: "dynamind-recording", version: 1, env: "sokoban", config: {}, seed: 1, observationKinds: [], recorder: "client", startedAt: "" });

describe("dynamind view serves only the operator's folders", () => {
  let viewer: RunningViewer;
  const outside = tempDir("dynamind-outside-");
  const root = tempDir("dynamind-view-");

  beforeAll(async () => {
    writeFileSync(join(outside, "secret.jsonl"), HEADER + "\n");
    writeFileSync(join(outside, "secret.png"), "not yours");
    mkdirSync(join(root, "sub"));
    writeFileSync(join(root, "episode.jsonl"), HEADER + "\n");
    writeFileSync(join(root, "sub", "frame.png"), "png");
    writeFileSync(join(root, "notes.txt"), "not served");
    symlinkSync(join(outside, "secret.jsonl"), join(root, "link.jsonl"));
    symlinkSync(outside, join(root, "escape"));
    viewer = await startViewer({ dirs: [root], port: 0 });
  });
  afterAll(() => viewer?.close());

  it("serves a file inside and lists recordings, without following links out", async () => {
    expect((await get(viewer.port, "/api/file?root=0&path=episode.jsonl")).body).toBe(HEADER + "\n");
    expect((await get(viewer.port, "/api/file?root=0&path=sub%2Fframe.png")).status).toBe(200);
    const list = JSON.parse((await get(viewer.port, "/api/list")).body);
    expect(list.roots).toEqual([root.split("/").pop()]);
    expect(list.files.map((f: { path: string }) => f.path)).toEqual(["episode.jsonl"]);
  });

  it("refuses path traversal, absolute paths, links out, other roots and other file types", async () => {
    const refused = [
      "/api/file?root=0&path=../" + outside.split("/").pop() + "/secret.jsonl",
      "/api/file?root=0&path=..%2F" + outside.split("/").pop() + "%2Fsecret.jsonl",
      "/api/file?root=0&path=%2e%2e/%2e%2e/%2e%2e/etc/passwd.png",
      "/api/file?root=0&path=sub/../../" + outside.split("/").pop() + "/secret.png",
      "/api/file?root=0&path=" + encodeURIComponent(join(outside, "secret.jsonl")),
      "/api/file?root=0&path=link.jsonl",
      "/api/file?root=0&path=escape/secret.jsonl",
      "/api/file?root=0&path=sub%5C..%5C..%5Csecret.jsonl",
      "/api/file?root=0&path=episode.jsonl%00.png",
      "/api/file?root=0&path=notes.txt",
      "/api/file?root=0&path=.%2Fepisode.jsonl",
      "/api/file?root=1&path=episode.jsonl",
      "/api/file?root=-1&path=episode.jsonl",
      "/api/file?root=0.5&path=episode.jsonl",
      "/api/file?path=episode.jsonl",
      "/../../../etc/passwd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/viewer.js/../../package.json",
    ];
    for (const path of refused) {
      const res = await get(viewer.port, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain("dynamind-recording");
    }
    for (const p of ["../a.jsonl", "/a.jsonl", "a/../b.jsonl", "a//b.jsonl", "a\\b.jsonl", "a.txt", "", "a\0.png"]) expect(isSafeRelative(p), p).toBe(false);
    expect(isSafeRelative("a/b.jsonl")).toBe(true);
  });

  it("answers only requests that name it (no DNS rebinding) and only reads", async () => {
    expect((await get(viewer.port, "/api/list", { host: "attacker.example" })).status).toBe(421);
    expect((await get(viewer.port, "/api/list", { host: `localhost:${viewer.port}` })).status).toBe(200);
    expect((await get(viewer.port, "/api/list", {}, "POST")).status).toBe(405);
    const page = await get(viewer.port, "/");
    expect(page.status).toBe(200);
    // Self-contained: nothing is loaded from another origin.
    expect(page.body).not.toMatch(/https?:\/\//);
    expect((await get(viewer.port, "/viewer.js")).body).not.toMatch(/(src|href)\s*=\s*["']https?:/);
  });

  it("refuses to start on a folder that does not exist", async () => {
    await expect(startViewer({ dirs: [join(root, "missing")], port: 0 })).rejects.toThrow(/no such folder/);
  });
});

if (!HAVE_CHROMIUM) console.warn(`SKIPPED: the viewer's browser test needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

describe.skipIf(!HAVE_CHROMIUM)("the viewer in Chromium", () => {
  const ctx = useTestServer();
  const recordings = tempDir("dynamind-recordings-");
  const datasets = tempDir("dynamind-datasets-");
  let viewer: RunningViewer;
  let browser: import("puppeteer-core").Browser;
  let page: import("puppeteer-core").Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const client = recordingClient(ctx, recordings);
    const s = await client.createSession("sokoban", { config: { preset: "6x6-1box" }, observationKinds: ["text", "image"] });
    await s.reset(4);
    // The solver's moves, so that every step changes the picture.
    const { actions } = await s.expertPlan();
    expect(actions.length).toBeGreaterThanOrEqual(3);
    for (const a of actions.slice(0, 3)) await s.step(a);
    await s.close();
    const phone = await client.createSession("android-web", { observationKinds: ["text", "ui_elements", "image"] });
    await phone.reset(2, { task: "ContactsAddContact" });
    await phone.close();
    client.close();
    await collectResim(ctx.client, {
      envId: "sokoban",
      config: { preset: "6x6-1box" },
      episodes: 1,
      seedStart: 3,
      b: 4,
      d: 2,
      horizon: 6,
      bTrain: 2,
      gamma: 0.9,
      policy: "random",
      value: "mc",
      history: 0,
      concurrency: 1,
      out: join(datasets, "resim.jsonl"),
    });
    viewer = await startViewer({ dirs: [recordings, datasets], port: 0 });
    const { default: puppeteer } = await import("puppeteer-core");
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--headless=new"], pipe: true });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on("pageerror", (err) => pageErrors.push(String(err)));
    await page.goto(viewer.url);
    await page.waitForSelector("body[data-ready=true]");
    // Three episodes, a ReSim search and two browsers: minutes, not seconds, on a loaded 2-core machine.
  }, 240_000);
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await viewer?.close();
  });

  it("lists the recordings and the dataset", async () => {
    const kinds = await page.$$eval("nav button", (bs) => bs.map((b) => (b as unknown as { dataset: Record<string, string> }).dataset.kind));
    expect(kinds.sort()).toEqual(["recording", "recording", "resim"]);
  });

  it("loads a sokoban recording and steps forward", async () => {
    await page.click('nav button[data-kind=recording][data-path^="sokoban-"]');
    await page.waitForSelector("#event-label");
    expect(await page.$eval("#event-label", (e) => e.textContent)).toBe("event 0 / 3");
    const loaded = await page.waitForFunction(() => {
      const img = (globalThis as unknown as BrowserGlobals).document.querySelector(".frame img");
      return img !== null && img.complete && img.naturalWidth > 0 ? img.naturalWidth : false;
    });
    expect(await loaded.jsonValue()).toBeGreaterThan(0);
    const before = await page.$eval("#obs-text", (e) => e.textContent);
    await page.click("#next");
    expect(await page.$eval("#event-label", (e) => e.textContent)).toBe("event 1 / 3");
    expect(await page.$eval("#facts", (e) => e.textContent)).toMatch(/^eventstepaction(Up|Down|Left|Right)reward/);
    await page.keyboard.press("ArrowRight");
    expect(await page.$eval("#event-label", (e) => e.textContent)).toBe("event 2 / 3");
    expect(await page.$eval("#obs-text", (e) => e.textContent)).not.toBe(before);
  });

  it("outlines android-web's UI elements on its screenshot", async () => {
    await page.click('nav button[data-kind=recording][data-path^="android-web-"]');
    await page.waitForSelector(".frame svg.bounds rect");
    const rects = await page.$$eval(".frame svg.bounds rect", (rs) => rs.length);
    const summary = await page.$eval("details summary", (e) => e.textContent ?? "");
    expect(rects).toBeGreaterThan(3);
    expect(rects).toBeLessThanOrEqual(Number(summary.split(" ")[0]));
    await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).document.querySelector(".frame img")?.naturalHeight! > 0);
    // The bounds are in device pixels (1080×2400) on a smaller screenshot: every outline must land on the picture.
    const img = (await (await page.$(".frame img"))!.boundingBox())!;
    const boxes = await Promise.all((await page.$$(".frame svg.bounds rect")).map(async (r) => (await r.boundingBox())!));
    for (const b of boxes) {
      expect(b.x).toBeGreaterThanOrEqual(img.x - 1);
      expect(b.y).toBeGreaterThanOrEqual(img.y - 1);
      expect(b.x + b.width).toBeLessThanOrEqual(img.x + img.width + 1);
      expect(b.y + b.height).toBeLessThanOrEqual(img.y + img.height + 1);
    }
    expect(Math.max(...boxes.map((b) => b.x + b.width))).toBeGreaterThan(img.x + img.width * 0.8);
  });

  it("opens a ReSim search tree with values and the chosen plan highlighted, and takes a screenshot", async () => {
    await page.click("nav button[data-kind=resim]");
    await page.waitForSelector("svg.tree .node");
    const nodes = await page.$$eval("svg.tree .node", (ns) => ns.length);
    expect(nodes).toBeGreaterThan(2);
    expect(await page.$$eval("svg.tree .node text.value", (ts) => ts.map((t) => t.textContent))).toEqual(expect.arrayContaining([expect.stringMatching(/^v=\d\.\d\d · \d+\/\d+$/)]));
    // The chosen path runs from the root to the chosen plan's last node (d = 2 actions, fewer if the episode ended).
    const chosen = await page.$$eval("svg.tree .node.chosen", (ns) => ns.length);
    expect(chosen).toBeGreaterThanOrEqual(2);
    expect(await page.$$eval("svg.tree .edge.chosen", (es) => es.length)).toBe(chosen - 1);
    await page.click(".examples button:nth-child(2)");
    expect(await page.$eval(".examples button.active", (b) => (b as unknown as { dataset: Record<string, string> }).dataset.index)).toBe("1");
    const shot = await page.screenshot({ type: "png" });
    expect(shot.length).toBeGreaterThan(10_000);
  });
});
