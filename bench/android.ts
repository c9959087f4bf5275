/**
 * android-web figures: a step (action + stable observation with UI elements and a
 * PNG screenshot), clone+restore, and reset, measured in-process on the real
 * Chromium device, beside AndroidWorld's ≥ 1.5 s per observation (3 polls 0.5 s
 * apart on an emulator). Run directly (`tsx bench/android.ts [--quick]`) to write
 * bench/results/android.json (android.quick.json with --quick). Each figure is pooled over
 * the rounds (p50, p90) and per round (bench/latency-summary.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { Observation, UiElement } from "../adapters/contract.js";
import type { AndroidEnv, AndroidState } from "../adapters/android/env.js";
import type { WebDevice } from "../emulator/web-device/web-device.js";
import { latencySummary as summary, perRepetition } from "./latency-summary.js";

const FULL_OBS = { text: true, image: true, uiElements: true };
/** Tasks whose scripted solutions make the step traffic (taps, typing, navigation, dialogs). */
const TRAFFIC = ["ContactsAddContact", "MarkorCreateNote", "SimpleSmsSend", "ExpenseDeleteSingle", "SystemWifiTurnOn", "ClockTimerEntry", "FilesDeleteFile", "SimpleCalendarAddOneEvent"];

export async function runAndroidWebBench(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const { androidWebDefinition } = await import("../adapters/android/web/definition.js");
  const { scriptedSolution } = await import("../adapters/android/web/solutions.js");
  const { shutdownBrowser } = await import("../emulator/web-device/browser.js");
  const rounds = opts.quick ? 1 : 4;
  const env = androidWebDefinition.create(androidWebDefinition.parseConfig({})) as AndroidEnv<WebDevice>;
  try {
    const t0 = performance.now();
    await env.reset(0, { task: "SystemWifiTurnOn" });
    await env.observe(FULL_OBS);
    const coldStartMs = Math.round(performance.now() - t0);

    // Each round is a repetition: every task of TRAFFIC once, then 8 screenshots.
    const [steps, stepsNoImage, resets, cloneRestore, restoreObserve, frameWait, screenshot] = Array.from({ length: 7 }, () => perRepetition(rounds));
    for (let r = 0; r < rounds; r++) {
      for (const [k, task] of TRAFFIC.entries()) {
        const seed = r * 100 + k;
        let t = performance.now();
        const info = await env.reset(seed, { task });
        let obs: Observation = await env.observe(FULL_OBS);
        resets[r]!.push(performance.now() - t);
        const plan = scriptedSolution(task, info.params as never).slice(0, -1); // all but status
        for (const [i, s] of plan.entries()) {
          const action = s(obs.uiElements as UiElement[]);
          if (action === null) continue;
          const withImage = i % 2 === 0;
          t = performance.now();
          await env.step({ $case: "json", json: JSON.stringify(action) });
          obs = await env.observe(withImage ? FULL_OBS : { text: true, image: false, uiElements: true });
          (withImage ? steps : stepsNoImage)[r]!.push(performance.now() - t);
          if (i === 1) {
            t = performance.now();
            const saved: AndroidState = await env.cloneState();
            await env.restoreState(saved);
            cloneRestore[r]!.push(performance.now() - t);
            t = performance.now();
            await env.restoreState(saved);
            await env.observe(FULL_OBS);
            restoreObserve[r]!.push(performance.now() - t);
          }
        }
      }
    }
    // What the screenshot's wait for the render to reach the screen costs, each time right after a render.
    for (let i = 0; i < rounds * 8; i++) {
      const r = Math.floor(i / 8);
      await env.device.settle();
      let t = performance.now();
      await env.device.presented();
      frameWait[r]!.push(performance.now() - t);
      await env.device.settle();
      t = performance.now();
      await env.device.screenshot();
      screenshot[r]!.push(performance.now() - t);
    }
    const step = summary(steps);
    const cr = summary(cloneRestore);
    const reset = summary(resets);
    return {
      env: "android-web",
      device: "browser-hosted phone (emulator/web-device) in headless Chromium " + "(/usr/bin/chromium), 1080×2400 screen, screenshot PNG 1080×2400 (the default since env 1.1.0; 360×800 before)",
      // The load average says whether the figures are comparable with an earlier run (they double beside a busy job).
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "?", loadAverage1m: Math.round(loadavg()[0]! * 100) / 100 },
      quick: !!opts.quick,
      cold_start_ms: coldStartMs,
      step_action_plus_observation_with_ui_elements_and_png: step,
      step_action_plus_observation_without_screenshot: summary(stepsNoImage),
      clone_plus_restore: cr,
      restore_plus_full_observation: summary(restoreObserve),
      reset_plus_first_observation: reset,
      screenshot_after_a_render: { ...summary(screenshot), of_which_frame_wait: summary(frameWait) },
      targets: {
        step_p50_ms: { target: 150, measured: step.p50_ms, ok: step.p50_ms <= 150 },
        clone_restore_ms: { target: 50, measured: cr.p50_ms, ok: cr.p50_ms <= 50 },
        reset_ms: { target: 300, measured: reset.p50_ms, ok: reset.p50_ms <= 300 },
      },
      androidworld_reference: {
        observation_ms: ">= 1500 (stable = same element list for 3 polls 0.5 s apart, 6 s cap)",
        snapshot_load_ms: "600-700",
        cold_boot_ms: ">= 25000",
        note: "AndroidWorld figures are from its design (spec section 3), not measured here; android-web is a fast stand-in, not AndroidWorld.",
      },
    };
  } finally {
    await env.close?.();
    await shutdownBrowser();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes("--quick");
  const result = await runAndroidWebBench({ quick });
  const dir = fileURLToPath(new URL("./results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}android${quick ? ".quick" : ""}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  process.stderr.write(`[bench] wrote ${file}\n`);
  console.log(JSON.stringify(result.targets, null, 2));
}
