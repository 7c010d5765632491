// The installed app: started from /usr/bin (the .deb's binary) by tauri-driver under Xvfb, on the demo account. It
// checks the first screen and the demo checklist, takes screenshots, and measures the time from start to the first
// painted screen and the memory after the demo audit (the app process and its WebKit processes). Figures go to
// tests/artifacts/installed.json and stdout.
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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

  // In the tray: started at login with the hidden flag while watching is on, the app runs without a window and
  // without a webview. Its idle footprint, measured after it settled (target: under 60 MiB resident).
  const profile = join(home, "tray");
  const dataDir = join(profile, "data", "de.agentcheck.desktop");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    join(dataDir, "settings.json"),
    JSON.stringify({ settings: { language: "de", makler_key: null, mail_booking: {}, watch: { schedule: { enabled: true, days: [1, 2, 3, 4, 5], time: "08:00" } } } }),
  );
  const tray = spawn(app, ["--hidden"], {
    env: { ...process.env, XDG_DATA_HOME: join(profile, "data"), XDG_CONFIG_HOME: join(profile, "config") },
    stdio: "ignore",
  });
  await sleep(8000);
  assert.equal(tray.exitCode, null, "the hidden app keeps running in the tray");
  const trayTreeMiB = Math.round(treeRssMiB(tray.pid) * 10) / 10;
  let webkit = "";
  try {
    webkit = execFileSync("ps", ["--ppid", String(tray.pid), "-o", "comm="]).toString().trim();
  } catch {
    // no child process at all
  }
  tray.kill("SIGTERM");
  step(`idle in the tray (hidden start, no window): ${trayTreeMiB} MiB resident${webkit ? ` (children: ${webkit.replace(/\n/g, ", ")})` : " (no WebKit process)"}`);
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
