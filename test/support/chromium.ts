/** Whether Debian's Chromium is here (tests that render in it skip, with a message, without it): the server's own check. */
import { CHROMIUM_PATH, hasChromium as chromiumInstalled } from "../../emulator/web-device/browser.js";

export const CHROMIUM = CHROMIUM_PATH;
export const hasChromium = chromiumInstalled();
