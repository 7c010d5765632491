// The installed app: started from /usr/bin (the .deb's binary) by tauri-driver under Xvfb, on the demo account. It
// checks the first screen and the demo checklist, takes screenshots, and measures the time from start to the first
// painted screen and the memory after the demo audit (the app process and its WebKit processes). Figures go to
// tests/artifacts/installed.json and stdout.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import assert from "node:assert/strict";
import { Session, driverPorts, driverReady, sleep } from "../e2e/webdriver.mjs";

const root = resolve(import.meta.dirname, "../..");
const app = process.env.INSTALLED_APP ?? "/usr/bin/agent-check";
const artifacts = join(root, "tests/artifacts");
mkdirSync(artifacts, { recursive: true });
const step = (s) => console.log(`installed: ${s}`);

/** Resident memory in MiB of a process and all its descendants (the WebKit web and network processes). */
function treeRssMiB(pid) {
  const children = new Map();
  for (const d of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {}
  }
  let kib = 0;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop();
    try {
      const m = readFileSync(`/proc/${p}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
      if (m) kib += Number(m[1]);
    } catch {}
    todo.push(...(children.get(p) ?? []));
  }
  return kib / 1024;
}

const home = join(tmpdir(), `agent-check-installed-${process.pid}`);
rmSync(home, { recursive: true, force: true });
mkdirSync(home, { recursive: true });
const ports = await driverPorts();
const driver = spawn("tauri-driver", ports.args, {
  env: { ...process.env, XDG_DATA_HOME: join(home, "data"), XDG_CONFIG_HOME: join(home, "config") },
  stdio: "inherit",
});
let session = null;
try {
  const base = ports.url;
  await driverReady(base);
  const started = Date.now();
  session = await Session.start(base, app);
  await session.waitFor('[data-testid="go-demo"]', { timeout: 60000 });
  const firstPaintMs = Date.now() - started;
  const title = await session.exec("return document.title");
  const lang = await session.exec("return document.documentElement.lang");
  await session.screenshot(join(artifacts, "installed-01-start.png"));
  step(`first screen after ${firstPaintMs} ms: "${title}"`);
  await session.click('[data-testid="go-demo"]');
  await session.waitFor('[data-testid="summary"]', { timeout: 60000 });
  const rows = await session.findAll('[data-testid="user-row"]');
  assert.ok(rows.length >= 10, `the installed app shows the demo's system users (${rows.length})`);
  await session.screenshot(join(artifacts, "installed-02-demo.png"));
  await sleep(500);
  const pid = Number(execFileSync("pgrep", ["-n", "-f", `^${app}`]).toString().trim());
  const memoryMiB = Math.round(treeRssMiB(pid) * 10) / 10;
  const appOnlyMiB = Math.round((Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]) / 1024) * 10) / 10;
  step(`start to first screen ${firstPaintMs} ms; memory after the demo audit ${memoryMiB} MiB (app ${appOnlyMiB} MiB + WebKit)`);
  assert.ok(title.includes("Agent-Check"), title);
  await session.end();
  session = null;

  // In the tray: started at login with the hidden flag while watching is on, the app hands the watch to its tray
  // helper (agent-check-tray: tray icon and timer, no webview) and ends. The helper's idle footprint, measured after
  // it settled (target: under 60 MiB resident).
  const profile = join(home, "tray");
  const dataDir = join(profile, "data", "de.agentcheck.desktop");
  mkdirSync(dataDir, { recursive: true });
  const pad = (n) => String(n).padStart(2, "0");
  const d = new Date();
  const localNow = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const watchSettings = (lastRun) =>
    JSON.stringify({
      settings: {
        language: "de",
        makler_key: null,
        mail_booking: {},
        watch: { schedule: { enabled: true, days: [1, 2, 3, 4, 5, 6, 7], time: "08:00" }, state: { last_run: lastRun } },
      },
    });
  // Nothing due (the last run is now): the helper waits.
  writeFileSync(join(dataDir, "settings.json"), watchSettings(localNow));
  const hiddenStart = spawn(app, ["--hidden"], {
    env: { ...process.env, XDG_DATA_HOME: join(profile, "data"), XDG_CONFIG_HOME: join(profile, "config") },
    stdio: "ignore",
  });
  const exited = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 20000);
    hiddenStart.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  assert.equal(exited, 0, "started hidden while watching, the app hands over to the tray helper and ends");
  await sleep(6000);
  const helper = `${app}-tray`;
  let helperPid = 0;
  try {
    helperPid = Number(execFileSync("pgrep", ["-n", "-f", `^${helper} --data-dir ${dataDir}`]).toString().trim());
  } catch {}
  assert.ok(helperPid > 0, `the tray helper ${helper} runs`);
  const trayTreeMiB = Math.round(treeRssMiB(helperPid) * 10) / 10;
  const maps = readFileSync(`/proc/${helperPid}/maps`, "utf8");
  assert.ok(!/webkit2gtk|javascriptcoregtk/.test(maps), "the tray helper has no webview libraries loaded");
  assert.ok(existsSync(join(dataDir, "tray.lock")), "the helper holds its lock in the data folder");
  process.kill(helperPid, "SIGTERM");
  step(`idle in the tray (hidden start, tray helper, no webview): ${trayTreeMiB} MiB resident`);

  // A check due (the last run two weeks ago, as after a holiday): the helper starts the app for one check without a
  // window. This profile has no credentials in the keychain, so the check stops the watch and says why; the app
  // ends after its check and the helper, seeing watching off, ends too.
  await sleep(500);
  writeFileSync(join(dataDir, "settings.json"), watchSettings("2020-01-01T08:00:00"));
  const helperRun = spawn(helper, ["--data-dir", dataDir], {
    env: { ...process.env, XDG_DATA_HOME: join(profile, "data"), XDG_CONFIG_HOME: join(profile, "config") },
    stdio: "ignore",
  });
  const helperEnd = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 60000);
    helperRun.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
  if (helperEnd === null) helperRun.kill("SIGTERM");
  const after = JSON.parse(readFileSync(join(dataDir, "settings.json"), "utf8")).settings.watch;
  assert.equal(helperEnd, 0, "the helper ended by itself once watching was off");
  assert.equal(after.schedule.enabled, false, "the check without credentials switched watching off");
  assert.equal(after.state.failure, "credentials_missing", "and remembered why (said once)");
  assert.notEqual(after.state.last_run, "2020-01-01T08:00:00", "the check ran and wrote its start");
  step(`a due check through the helper: the app checked without a window (${after.state.last_run}), watching off for lack of credentials, helper ended`);
  const figures = { firstPaintMs, memoryMiB, appOnlyMiB, trayIdleMiB: trayTreeMiB, title, lang, users: rows.length };
  writeFileSync(join(artifacts, "installed.json"), JSON.stringify(figures, null, 2));
} finally {
  if (session) await session.screenshot(join(artifacts, "installed-failure.png")).catch(() => undefined);
  driver.kill("SIGTERM");
  await sleep(300);
  driver.kill("SIGKILL");
  try {
    // Only this run's WebKitWebDriver (another test run on the machine has its own port).
    execFileSync("pkill", ["-f", `WebKitWebDriver.*${ports.native}`]);
  } catch {}
}
