/**
 * One headless Chromium per server process, shared by every web device: launched
 * lazily on the first page, closed when the last page closes. Debian's
 * /usr/bin/chromium by default (DYNAMIND_CHROMIUM overrides the path). Every page
 * is the only tab of its own window, so every device is "in front" and renders.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";

export const CHROMIUM_PATH = process.env.DYNAMIND_CHROMIUM ?? "/usr/bin/chromium";

/** Whether the browser binary is there (checked each time: an operator may install it while the server runs). */
export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);

/** The reason given to clients when it is not; the path stays on the server. */
export const NO_CHROMIUM = "Chromium is not installed (the operator installs it: apt-get install -y chromium, or sets DYNAMIND_CHROMIUM)";

const ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-default-apps",
  "--mute-audio",
  "--hide-scrollbars",
  "--font-render-hinting=none",
  "--disable-renderer-backgrounding",
  "--disable-background-timer-throttling",
  "--disable-backgrounding-occluded-windows",
];

let launching: Promise<{ browser: Browser; dir: string }> | undefined;
let pages = 0;
let idleTimer: NodeJS.Timeout | undefined;
/** How long the browser outlives its last page (sessions come and go in bursts). */
const LINGER_MS = 2000;

async function launch(): Promise<{ browser: Browser; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "dynamind-chromium-"));
  try {
    // Imported on first launch: puppeteer-core takes ~1 s to load, and a server that
    // never runs android-web should not pay for it at start-up.
    const { default: puppeteer } = await import("puppeteer-core");
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...ARGS, `--user-data-dir=${dir}`],
      defaultViewport: null,
      pipe: true,
    });
    return { browser, dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot launch Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set DYNAMIND_CHROMIUM): ${(err as Error).message}`);
  }
}

/** A new page in the shared browser; release it with {@link closePage}. */
export async function openPage(): Promise<Page> {
  pages++;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  try {
    launching ??= launch();
    const { browser } = await launching;
    // Each page gets its own window: headless Chromium draws only the front tab of a
    // window, and a screenshot of a background tab waits for a frame that never comes
    // (two sessions with screenshots hung). bringToFront would race between sessions.
    return await browser.newPage({ type: "window" });
  } catch (err) {
    pages--;
    if (pages === 0) launching = undefined;
    throw err;
  }
}

export async function closePage(page: Page): Promise<void> {
  try {
    await page.close();
  } catch {
    // already gone with the browser
  }
  pages--;
  if (pages === 0 && launching) {
    idleTimer = setTimeout(() => void shutdownBrowser(), LINGER_MS);
    idleTimer.unref();
  }
}

/** Closes the shared browser now (pages still open die with it). */
export async function shutdownBrowser(): Promise<void> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  const current = launching;
  launching = undefined;
  if (!current) return;
  try {
    const { browser, dir } = await current;
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // never launched
  }
}
