/**
 * Makes docs/images/viewer.png: records a Sokoban episode and collects a ReSim
 * episode on an embedded server, serves both with `dynamind view`, and photographs
 * the page in Debian's Chromium with a search tree open.
 *
 *   node --import tsx scripts/viewer-screenshot.ts [out.png] [--recording other.png]
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectResim } from "../agent/resim/collect.js";
import { RecordingEnvClient } from "../agent/record/index.js";
import { CHROMIUM_PATH } from "../emulator/web-device/browser.js";
import { createLogger } from "../env-server/logger.js";
import { startServer } from "../env-server/server.js";
import { startViewer } from "../cli/view/server.js";

/** The little of the DOM the page functions below touch (this project compiles without the DOM library). */
type BrowserGlobals = { document: { querySelector(s: string): { complete: boolean; naturalWidth: number; naturalHeight: number } | null } };


const args = process.argv.slice(2);
const recordingShot = args.includes("--recording") ? args[args.indexOf("--recording") + 1] : undefined;
const out = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--recording") ?? "docs/images/viewer.png";

const work = mkdtempSync(join(tmpdir(), "dynamind-viewer-shot-"));
const recordings = join(work, "recordings");
const datasets = join(work, "datasets");
mkdirSync(datasets);
const server = await startServer({ port: 0, logger: createLogger("shot", "warn") });
const client = new RecordingEnvClient({ addresses: server.address }, { dir: recordings });
try {
  const s = await client.createSession("sokoban", { config: { preset: "6x6-1box" }, observationKinds: ["text", "image"] });
  await s.reset(12);
  for (const a of (await s.expertPlan()).actions) await s.step(a);
  await s.close();
  await collectResim(client, {
    envId: "sokoban",
    config: { preset: "6x6-1box" },
    episodes: 1,
    seedStart: 3,
    b: 8,
    d: 3,
    horizon: 20,
    bTrain: 2,
    gamma: 0.9,
    policy: "random",
    value: "mc",
    history: 0,
    concurrency: 1,
    out: join(datasets, "resim.jsonl"),
  });
  const viewer = await startViewer({ dirs: [recordings, datasets], port: 0 });
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ["--no-sandbox", "--disable-gpu", "--headless=new", "--hide-scrollbars"], pipe: true });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 760 });
    await page.goto(`${viewer.url}#root=1&path=resim.jsonl&at=0`);
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector("svg.tree .node.chosen");
    await page.screenshot({ path: out, type: "png" });
    console.log(`wrote ${out}`);
    if (recordingShot) {
      await page.click('nav button[data-kind=recording][data-path*="-s12-"]');
      await page.waitForSelector("#next");
      await page.click("#next");
      await page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).document.querySelector(".frame img")?.naturalWidth! > 0);
      await page.screenshot({ path: recordingShot, type: "png" });
      console.log(`wrote ${recordingShot}`);
    }
  } finally {
    await browser.close();
    await viewer.close();
  }
} finally {
  client.close();
  await server.stop(1000);
  rmSync(work, { recursive: true, force: true });
}
