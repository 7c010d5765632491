// Driving the real app through tauri-driver with selenium-webdriver (the maintained W3C client Tauri's own guide
// uses; it talks to the server we name and downloads nothing). `Session` adds what the tests need on top: waiting for
// an element, and counting clicks and key presses (what the person would have done).
import { Builder, By, Capabilities } from "selenium-webdriver";

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
  constructor(driver) {
    this.driver = driver;
    /** Clicks and key presses (one per typed text) sent so far: what the person would have done. */
    this.actions = 0;
  }

  /** Starts the app binary `application` through tauri-driver at `server`. */
  static async start(server, application) {
    const capabilities = new Capabilities();
    capabilities.set("tauri:options", { application });
    capabilities.setBrowserName("wry");
    const driver = await new Builder().withCapabilities(capabilities).usingServer(server).build();
    return new Session(driver);
  }

  find(css) {
    return this.driver.findElement(By.css(css));
  }

  findAll(css) {
    return this.driver.findElements(By.css(css));
  }

  /** The elements matching `css` inside `element`. */
  within(element, css) {
    return element.findElements(By.css(css));
  }

  /** Waits until `css` matches (and `predicate(text)` holds, if given); returns the element. */
  async waitFor(css, { timeout = 30000, predicate } = {}) {
    const until = Date.now() + timeout;
    let last;
    while (Date.now() < until) {
      try {
        const el = await this.find(css);
        if (!predicate || predicate(await el.getText())) return el;
      } catch (e) {
        last = e;
      }
      await sleep(200);
    }
    throw new Error(`timed out waiting for ${css}: ${last ?? "predicate never held"}`);
  }

  /** Waits until nothing matches `css`, at most `timeout` ms; returns either way (the checks that follow say more). */
  async waitGone(css, { timeout = 5000 } = {}) {
    const until = Date.now() + timeout;
    while (Date.now() < until && (await this.findAll(css)).length) await sleep(200);
  }

  async click(css) {
    await this.clickElement(await this.waitFor(css));
  }

  async clickElement(el) {
    this.actions++;
    await el.click();
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
    await el.sendKeys(text);
  }

  text(el) {
    return el.getText();
  }

  exec(script, args = []) {
    return this.driver.executeScript(script, ...args);
  }

  /** Runs an asynchronous script (W3C `/session/{id}/execute/async`): it gets `args`, then a callback as its last
   *  argument, and ends when it calls that callback with its result, or fails after `timeout` ms. */
  async execAsync(script, args = [], timeout = 120000) {
    if (this.scriptTimeout !== timeout) {
      await this.driver.manage().setTimeouts({ script: timeout });
      this.scriptTimeout = timeout;
    }
    return this.driver.executeAsyncScript(script, ...args);
  }

  /** Puts the window where a 1366×768 laptop screen would show it. */
  setRect(rect) {
    return this.driver.manage().window().setRect(rect);
  }

  async screenshot(path) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path, Buffer.from(await this.driver.takeScreenshot(), "base64"));
  }

  async end() {
    await this.driver.quit().catch(() => undefined);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
