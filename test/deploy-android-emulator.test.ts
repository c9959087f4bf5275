/**
 * deploy/android-emulator/start.sh, the KVM recipe's entry point, tested here without an emulator, a
 * Docker engine or KVM (and its Dockerfile, read but never built): its argument handling (valid and invalid), what --dry-run says it would run,
 * that its fixed ports stay out of the pool's port plan, and that a real run on a machine without
 * what it needs stops before starting anything.
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_AVD } from "../emulator/pool/pool.js";
import { allPorts, MAX_SLOTS, slotPorts } from "../emulator/pool/ports.js";
import { copiedPaths, copyProblems, dockerInstructions } from "./support/dockerfile.js";
import { freePorts } from "./support/nginx.js";

const SCRIPT = "deploy/android-emulator/start.sh";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const home = mkdtempSync(join(tmpdir(), "dm-recipe-"));
  return new Promise((resolve) => {
    execFile("bash", [SCRIPT, ...args], { env: { PATH: process.env.PATH, HOME: home, DYNAMIND_HOME: join(home, "dm"), ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The commands a dry run shows, each as the argument list bash reads back from its `+ ...` line. */
function commands(stdout: string): string[][] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("+ "))
    .map((l) => execFileSync("bash", ["-c", `a=(${l.slice(2)}); printf '%s\\0' "\${a[@]}"`], { encoding: "utf8" }).split("\0").slice(0, -1));
}

function configOf(stdout: string): unknown {
  const lines = stdout.split("\n");
  const at = lines.findIndex((l) => l.startsWith("# write ") && l.endsWith("android-server.json:"));
  expect(at, stdout).toBeGreaterThanOrEqual(0);
  return JSON.parse(lines[at + 1]!);
}

describe("deploy/android-emulator/start.sh", () => {
  it("prints its usage with --help and exits 0", async () => {
    const r = await start(["--help"]);
    expect(r.code).toBe(0);
    for (const opt of ["--count N", "--avd NAME", "--appium on|off", "--appium-port", "--appium-url", "--install-apps DIR", "--dry-run"]) expect(r.stdout).toContain(opt);
  });

  it("--dry-run shows Appium, the pool of N emulators, AndroidWorld's settings, the server config and dynamind serve, in that order", async () => {
    const r = await start(["--dry-run", "--count", "3", "--host", "0.0.0.0", "--metrics-port=9464", "--gpu", "host", "--memory", "4096"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const cmds = commands(r.stdout);
    const home = /--state (\S+)\/emulators\.json/.exec(r.stdout)![1]!;
    expect(cmds[0]!.slice(0, 3)).toEqual(["env", "APPIUM_HOST=127.0.0.1", "APPIUM_PORT=4723"]);
    expect(cmds[0]!.at(-3)).toMatch(/scripts\/appium\/start\.sh$/);
    const pool = cmds.find((c) => c.includes("emulator") && c.includes("start"))!;
    expect(pool.slice(2)).toEqual([
      "emulator", "start", "--count", "3", "--avd", "AndroidWorldAvd", "--boot-timeout", "300", "--state", `${home}/emulators.json`, "--adb", "adb",
      "--emulator-arg", "-gpu", "--emulator-arg", "host", "--emulator-arg", "-memory", "--emulator-arg", "4096",
    ]);
    expect(cmds.filter((c) => c.some((a) => a.includes("window_animation_scale 0.0")))).toHaveLength(1);
    expect(configOf(r.stdout)).toEqual({ android: { adb: "adb", pool_state: `${home}/emulators.json`, appium_url: "http://127.0.0.1:4723" } });
    const serve = cmds.at(-1)!;
    expect(serve.slice(2)).toEqual(["serve", "--host", "0.0.0.0", "--port", "50051", "--server-config", `${home}/android-server.json`, "--metrics-port", "9464"]);
    expect(cmds.indexOf(pool)).toBeGreaterThan(0);
  });

  it("with --appium off, starts no Appium and gives the sessions the named server", async () => {
    const r = await start(["--dry-run", "--appium", "off", "--appium-url", "http://appium.internal:4723/wd/hub", "--state", "/var/lib/dm/pool.json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("appium/start.sh");
    expect(configOf(r.stdout)).toEqual({ android: { adb: "adb", pool_state: "/var/lib/dm/pool.json", appium_url: "http://appium.internal:4723/wd/hub" } });
    expect(r.stdout).toContain("--server-config /var/lib/dm/android-server.json");
  });

  it("--install-apps boots the AVD writable once, outside the pool's ports, and installs every APK (names with spaces intact) before the pool starts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dm-apks-"));
    for (const f of ["net.gsantner.markor_146.apk", "my app.apk", "Liechtenstein_europe.obf", "notes.txt"]) writeFileSync(join(dir, f), "");
    const r = await start(["--dry-run", "--install-apps", dir, "--avd", "Pixel_6_API_33"]);
    expect(r.code).toBe(0);
    const cmds = commands(r.stdout);
    const boot = cmds.find((c) => c.includes("-avd"))!;
    expect(boot).toEqual(["env", "ANDROID_ADB_SERVER_PORT=15036", "emulator", "-avd", "Pixel_6_API_33", "-port", "5682", "-no-window", "-no-audio", "-no-boot-anim", "-no-snapshot", "-gpu", "swiftshader_indirect", "-memory", "2048"]);
    expect(boot).not.toContain("-read-only");
    // The provisioning emulator may run beside a live pool: its console, adb and adb-server ports are no slot's.
    const slotPortsAll = new Set(Array.from({ length: MAX_SLOTS }, (_, i) => allPorts(slotPorts(i))).flat());
    for (const p of [5682, 5683, 15036]) expect(slotPortsAll.has(p), `port ${p}`).toBe(false);
    const installs = cmds.filter((c) => c.includes("install")).map((c) => c.at(-1));
    expect(installs).toEqual([join(dir, "my app.apk"), join(dir, "net.gsantner.markor_146.apk")]);
    expect(cmds.some((c) => c.includes("push") && c.includes(join(dir, "Liechtenstein_europe.obf")))).toBe(true);
    expect(cmds.some((c) => c.join(" ").endsWith("settings put secure sms_default_application com.simplemobiletools.smsmessenger"))).toBe(true);
    const kill = cmds.findIndex((c) => c.includes("emu") && c.includes("kill"));
    const pool = cmds.findIndex((c) => c.includes("start") && c.includes("--count"));
    expect(kill).toBeGreaterThan(0);
    expect(pool).toBeGreaterThan(kill);
    expect(r.stdout).toContain(`skipped when ${join(r.stdout.match(/when (\S+)\/Pixel_6_API_33\.avd/)![1]!, "Pixel_6_API_33.avd")}/dynamind-apps-installed exists`);
  });

  it("accepts up to the pool's MAX_SLOTS emulators", async () => {
    expect((await start(["--dry-run", "--count", String(MAX_SLOTS)])).code).toBe(0);
    const over = await start(["--dry-run", "--count", String(MAX_SLOTS + 1)]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain(`--count must be in 1..${MAX_SLOTS}`);
  });

  const invalid: [string[], RegExp][] = [
    [["--count", "0"], /--count must be in 1\.\.64, got 0/],
    [["--count", "two"], /--count must be a whole number, got 'two'/],
    [["--count"], /--count needs a value/],
    [["--count", "--dry-run"], /--count needs a value/],
    [["--avd", "../../etc"], /--avd must be 1\.\.64 letters/],
    [["--avd", "-bad"], /--avd needs a value/],
    [["--appium", "maybe"], /--appium must be on or off, got 'maybe'/],
    [["--appium", "off"], /--appium off needs --appium-url/],
    [["--appium", "off", "--appium-url", "file:///etc/passwd"], /--appium-url must be an http\(s\) URL/],
    [["--appium-url", "http://x:4723"], /--appium-url is for --appium off/],
    [["--port", "80"], /--port must be in 1024\.\.65535, got 80/],
    [["--port", "4723"], /--port, --metrics-port and --appium-port must differ \(got 4723 4723\)/],
    [["--metrics-port", "50051"], /must differ/],
    [["--host", "a;reboot"], /--host must be an address or host name/],
    [["--gpu", "metal"], /--gpu must be one of/],
    [["--memory", "512"], /--memory must be in 1024\.\.16384/],
    [["--boot-timeout", "1"], /--boot-timeout must be in 10\.\.3600/],
    [["--install-apps", "/nonexistent/dynamind"], /--install-apps: \/nonexistent\/dynamind is not a directory/],
    [["--install-apps", "deploy"], /--install-apps: no \.apk files in deploy/],
    [["--frobnicate"], /unknown option '--frobnicate'/],
    [["--dry-run=yes"], /--dry-run takes no value/],
  ];
  it.each(invalid)("refuses %j with exit 2, one clear line, and runs nothing", async (args, message) => {
    const r = await start([...args, "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toMatch(message);
    expect(r.stderr).toContain("see --help");
    expect(r.stdout).toBe("");
  });

  it("a real run on a machine without KVM access or adb stops before starting anything", async () => {
    const home = mkdtempSync(join(tmpdir(), "dm-recipe-real-"));
    const r = await start(["--count", "1"], { ADB: "/nonexistent/dynamind-test/adb", DYNAMIND_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no \/dev\/kvm|\/dev\/kvm is not readable and writable|adb \(\/nonexistent\/dynamind-test\/adb\) is not on PATH/);
    expect(r.stdout).toBe("");
    expect(existsSync(join(home, "emulators.json"))).toBe(false);
    expect(existsSync(join(home, "android-server.json"))).toBe(false);
  });

  it("is shellcheck-clean (when shellcheck is installed)", (ctx) => {
    try {
      execFileSync("shellcheck", ["--version"], { stdio: "ignore" });
    } catch {
      console.warn("deploy-android-emulator.test.ts: shellcheck is not installed (apt-get install shellcheck); not run");
      ctx.skip();
    }
    expect(() => execFileSync("shellcheck", [SCRIPT], { encoding: "utf8" })).not.toThrow();
  });

  it("lists AndroidWorld's app files the Dockerfile downloads, one name per line", () => {
    const names = readFileSync("deploy/android-emulator/androidworld-apps.txt", "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
    expect(names).toContain("net.gsantner.markor_146.apk");
    expect(names).toContain("com.simplemobiletools.smsmessenger_85.apk");
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9._-]+\.(apk|obf)$/);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("deploy/android-emulator/Dockerfile (read, not built: no Docker engine here)", () => {
  const steps = dockerInstructions(readFileSync("deploy/android-emulator/Dockerfile", "utf8"));
    const arg = (name: string) => steps.find(([kw, a]) => kw === "ARG" && a.startsWith(`${name}=`))?.[1].slice(name.length + 1).replace(/^"|"$/g, "");

  it("builds AndroidWorld's device: Pixel 6, API 33, google_apis x86_64, the AVD name start.sh and the pool use", () => {
    expect(arg("SYSTEM_IMAGE")).toBe("system-images;android-33;google_apis;x86_64");
    expect(arg("API_LEVEL")).toBe("33");
    expect(arg("AVD_DEVICE")).toBe("pixel_6");
    expect(arg("AVD_NAME")).toBe(DEFAULT_AVD);
    expect(readFileSync(SCRIPT, "utf8")).toMatch(new RegExp(`^avd=${DEFAULT_AVD}$`, "m"));
    expect(steps.some(([kw, a]) => kw === "RUN" && a.includes("sdkmanager --install platform-tools emulator"))).toBe(true);
    expect(steps.some(([kw, a]) => kw === "RUN" && a.includes("scripts/appium/install.sh"))).toBe(true);
  });

  it("COPYs only paths that exist and are not excluded by .dockerignore, including every folder the build compiles", () => {
    const copied = copiedPaths(steps);
    expect(copyProblems(copied)).toEqual([]);
    const build = JSON.parse(readFileSync("tsconfig.build.json", "utf8")) as { include: string[] };
    // npm install builds packages/client too (package.json "build"), so its folder must be there.
    for (const dir of [...build.include, "packages", "scripts/appium", "deploy/android-emulator"]) expect(copied, dir).toContain(dir);
  });

  it("runs start.sh, executable, as a non-root user created before", () => {
    const users = steps.map(([kw, a], i) => [kw, a, i] as const).filter(([kw]) => kw === "USER");
    const [, user, at] = users.at(-1)!;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(at).toBeLessThan(steps.findIndex(([kw]) => kw === "ENTRYPOINT"));
    expect(steps.slice(0, at).some(([kw, a]) => kw === "RUN" && a.includes("useradd") && a.includes(user))).toBe(true);
    expect(steps.find(([kw]) => kw === "ENTRYPOINT")?.[1]).toBe(`["${SCRIPT}", "--host", "0.0.0.0"]`);
    expect(statSync(SCRIPT).mode & 0o111).not.toBe(0);
  });
});

/** Why the real run below cannot run here, or "" when it can. */
function realRunBlocked(): string {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    return "no usable /dev/kvm (the script refuses to start without it)";
  }
  return existsSync("dist/cli/dynamind.js") ? "" : "dynamind is not built (npm run build)";
}

describe("deploy/android-emulator/start.sh, run for real against a stand-in SDK", () => {
  const blocked = realRunBlocked();
  if (blocked) console.warn(`deploy-android-emulator.test.ts: real run skipped — ${blocked}`);

  it.skipIf(blocked !== "")("installs the apps into the AVD (leaving the marker that skips it next time), starts the pool and dynamind serve with a config naming them, and stops both on SIGTERM", async () => {
    // A stand-in emulator that stays up until its console is told `emu kill`, and an adb that reports every device booted.
    const dir = mkdtempSync(join(tmpdir(), "dm-recipe-sdk-"));
    const log = join(dir, "log");
    mkdirSync(join(dir, "sdk/emulator"), { recursive: true });
    writeFileSync(
      join(dir, "sdk/emulator/emulator"),
      `#!/bin/sh\necho "emulator $*" >>${log}\np=""; prev=""; for a in "$@"; do [ "$prev" = "-port" ] && p=$a; prev=$a; done\necho $$ >${dir}/emu-$p.pid\nexec sleep 300\n`,
    );
    writeFileSync(
      join(dir, "adb"),
      `#!/bin/sh\necho "adb $*" >>${log}\ncase "$*" in\n  *boot_completed*) echo 1;;\n  *get-state*) echo device;;\n` +
        `  *"emu kill"*) n=$(echo "$*" | sed -n 's/.*-s emulator-\\([0-9]*\\).*/\\1/p'); kill "$(cat ${dir}/emu-$n.pid)";;\nesac\n`,
    );
    chmodSync(join(dir, "sdk/emulator/emulator"), 0o755);
    chmodSync(join(dir, "adb"), 0o755);
    const apps = join(dir, "apps");
    mkdirSync(apps);
    for (const f of ["net.gsantner.markor_146.apk", "org.tasks_130605.apk"]) writeFileSync(join(apps, f), "");
    const avdDir = join(dir, ".android/avd/AndroidWorldAvd.avd");
    mkdirSync(avdDir, { recursive: true });
    const home = join(dir, "dm");
    const [port] = await freePorts(1);
    const child = spawn(
      "bash",
      [SCRIPT, "--count", "1", "--appium", "off", "--appium-url", "http://127.0.0.1:9", "--port", String(port), "--boot-timeout", "60", "--install-apps", apps],
      { env: { PATH: process.env.PATH, HOME: dir, DYNAMIND_HOME: home, ANDROID_SDK_ROOT: join(dir, "sdk"), ADB: join(dir, "adb") }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      // Generous bound: the pool's boot poll, then the server's start.
      for (let i = 0; i < 120 && !out.includes("dynamind env server listening"); i++) await new Promise((r) => setTimeout(r, 500));
      expect(out).toContain("dynamind env server listening");
      expect(JSON.parse(readFileSync(join(home, "android-server.json"), "utf8"))).toEqual({
        android: { adb: join(dir, "adb"), pool_state: join(home, "emulators.json"), appium_url: "http://127.0.0.1:9" },
      });
      const pool = JSON.parse(readFileSync(join(home, "emulators.json"), "utf8")) as { emulators: { serial: string; emulatorArgs: string[] }[] };
      expect(pool.emulators.map((e) => [e.serial, e.emulatorArgs])).toEqual([["emulator-5554", ["-gpu", "swiftshader_indirect", "-memory", "2048"]]]);
      const calls = readFileSync(log, "utf8");
      expect(calls).toContain("shell settings put global window_animation_scale 0.0");
      // The apps went into the AVD through a writable emulator on console 5682, which was shut down before the pool started.
      expect(calls).toContain(`adb -P 15036 -s emulator-5682 install -r -g ${join(apps, "net.gsantner.markor_146.apk")}`);
      expect(calls).toContain(`adb -P 15036 -s emulator-5682 install -r -g ${join(apps, "org.tasks_130605.apk")}`);
      expect(calls.indexOf("emulator-5682 emu kill")).toBeLessThan(calls.indexOf("-port 5554"));
      expect(calls).toMatch(/emulator -avd AndroidWorldAvd -port 5682 -no-window -no-audio -no-boot-anim -no-snapshot -gpu/);
      expect(existsSync(join(avdDir, "dynamind-apps-installed"))).toBe(true);
      child.kill("SIGTERM");
      expect(await exited).not.toBeNull();
      expect(out).toMatch(/stopped slot 0 \(emulator-5554\)/);
      expect(JSON.parse(readFileSync(join(home, "emulators.json"), "utf8")).emulators).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      const left = existsSync(join(home, "emulators.json")) ? (JSON.parse(readFileSync(join(home, "emulators.json"), "utf8")) as { emulators: { pid: number }[] }).emulators : [];
      for (const e of left) {
        try {
          process.kill(e.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    }
  }, 120_000);
});
