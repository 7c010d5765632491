// A small W3C WebDriver client over fetch (no dependencies), enough to drive the real app through tauri-driver.
const ELEMENT = "element-6066-11e4-a52f-4f4bbf3d6f90";

/** A TCP port nothing listens on right now (so two test runs on one machine do not collide). */
export async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until tauri-driver answers at `url`. */
export async function driverReady(url) {
  for (let i = 0; i < 50; i++) {
    if (await fetch(`${url}/status`).then((r) => r.ok).catch(() => false)) return;
    await sleep(200);
  }
}

/** tauri-driver's arguments for a free pair of ports, and the address to talk to it. */
export async function driverPorts() {
  const port = await freePort();
  let native = await freePort();
  while (native === port) native = await freePort();
  return { args: ["--port", String(port), "--native-port", String(native)], url: `http://127.0.0.1:${port}`, native };
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
    /** Clicks and key presses (one per typed text) sent so far: what the person would have done. */
    this.actions = 0;
  }

  static async start(base, application) {
    const res = await call(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application } } },
    });
    return new Session(base, res.sessionId);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: css });
    const id = elementId(v);
    if (!id) throw new Error(`no element for ${css}`);
    return id;
  }

  async findAll(css) {
    const v = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return v.map(elementId);
  }

  /** Waits until `css` matches (and `predicate(text)` holds, if given); returns the element. */
  async waitFor(css, { timeout = 30000, predicate } = {}) {
    const until = Date.now() + timeout;
    let last;
    while (Date.now() < until) {
      try {
        const el = await this.find(css);
        if (!predicate || predicate(await this.text(el))) return el;
      } catch (e) {
        last = e;
      }
      await sleep(200);
    }
    throw new Error(`timed out waiting for ${css}: ${last ?? "predicate never held"}`);
  }

  async click(css) {
    await this.clickElement(await this.waitFor(css));
  }

  async clickElement(el) {
    this.actions++;
    await this.cmd("POST", `/element/${el}/click`, {});
  }

  /** Clicks through the DOM (for elements WebKit's driver will not click directly, such as table rows). */
  async jsClick(css) {
    await this.waitFor(css);
    this.actions++;
    await this.exec("document.querySelector(arguments[0]).click()", [css]);
  }

  async type(css, text) {
    const el = await this.waitFor(css);
    this.actions++;
    await this.cmd("POST", `/element/${el}/value`, { text });
  }

  async text(el) {
    return this.cmd("GET", `/element/${el}/text`);
  }

  async exec(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  async screenshot(path) {
    const { writeFile } = await import("node:fs/promises");
    const b64 = await this.cmd("GET", "/screenshot");
    await writeFile(path, Buffer.from(b64, "base64"));
  }

  async end() {
    await this.cmd("DELETE", "", undefined).catch(() => undefined);
  }
}

const elementId = (v) => (v ? (v[ELEMENT] ?? v.ELEMENT ?? Object.values(v)[0]) : undefined);

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || (json.value && json.value.error)) {
    throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 300)}`);
  }
  return json.value;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
