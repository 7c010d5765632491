// What every screen and dialog state the end-to-end test visits must satisfy: no serious or critical accessibility
// violation (axe-core, WCAG 2.0/2.1 A and AA, run in the webview), and "one picture": the finish line, the "Alle
// beheben" button, the fix dialog's counts, the traffic lights and their legend, the mailbox verdicts and the
// visible text all say the same thing. `checkScreen` collects what it finds (with the screen's label) instead of
// stopping at the first, so one run names every contradiction; `assertScreensClean` fails the test at the end.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { sleep } from "./webdriver.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const FAILING_IMPACTS = ["serious", "critical"];

/** Problems found so far: { label, text }. */
const found = [];
/** Screens checked so far. */
let checked = 0;
/** How many axe rules the first run ran (said once, so a run that checks nothing is seen). */
let axeRules = 0;

function record(label, text) {
  found.push({ label, text });
  console.log(`e2e: ✗ ${label}: ${text}`);
}

/**
 * The "one picture" rules, run in the page (serialized into the script, so it uses nothing from this module).
 * `opts.fixAll`: the fix dialog was just opened by "Alle beheben". Returns the problems found, the finish line's
 * counts, whether the fix dialog is open and the result's `data-waiting` if a result is shown.
 */
export function pageRules(opts) {
  const problems = [];
  const q = (css, root = document) => root.querySelector(css);
  const qa = (css, root = document) => [...root.querySelectorAll(css)];
  const short = (t, n = 100) => {
    const s = String(t ?? "").replace(/\s+/g, " ").trim();
    return s.length > n ? `${s.slice(0, n)}…` : s;
  };
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  // Where an element is: its tag and the nearest data-testid around it.
  const where = (el) => {
    const own = `<${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : ""}>`;
    const t = el.closest("[data-testid]");
    return t ? `${own} in [data-testid="${t.getAttribute("data-testid")}"]` : own;
  };
  const int = (v) => (/^\d+$/.test(v ?? "") ? Number(v) : null);

  // The finish line.
  const PARTS = ["app", "choice", "confirm", "on_office", "agent", "portals"];
  const line = q('[data-testid="finish-line"]');
  let counts = null;
  if (line) {
    counts = {};
    for (const el of qa("[data-part]", line)) {
      const part = el.getAttribute("data-part");
      const count = el.getAttribute("data-count");
      if (!PARTS.includes(part)) problems.push(`finish line: unknown data-part="${part}"`);
      else if (part in counts) problems.push(`finish line: data-part="${part}" appears more than once`);
      if (int(count) === null) problems.push(`finish line: data-part="${part}" has data-count="${count}", not a whole number`);
      counts[part] = int(count);
    }
    for (const p of PARTS) if (!(p in counts)) problems.push(`finish line: no element with data-part="${p}"`);
  } else if (q('[data-testid="summary"]')) {
    problems.push('the summary is shown without [data-testid="finish-line"]');
  }
  const known = !!counts && PARTS.every((p) => Number.isInteger(counts[p]));
  const allZero = known && PARTS.every((p) => counts[p] === 0);
  const countsText = counts ? PARTS.map((p) => `${p}=${counts[p]}`).join(" ") : "no finish line";
  const allDone = q('[data-testid="all-done"]');
  if (allDone && !allZero) problems.push(`[data-testid="all-done"] is present while the finish line says ${countsText}`);
  if (line && known && allZero && !allDone) problems.push('every part of the finish line is 0 but [data-testid="all-done"] is missing');

  const text = document.body.innerText;
  const lineOf = (index) => {
    const from = text.lastIndexOf("\n", index) + 1;
    const to = text.indexOf("\n", index);
    return short(text.slice(from, to < 0 ? undefined : to), 140);
  };
  for (const m of text.matchAll(/Alles erledigt|All done/gi)) {
    if (!allZero) problems.push(`"${m[0]}" is shown while the finish line says ${countsText}: "${lineOf(m.index)}"`);
  }
  // "erledigt" only where it says what it is about (data-scope), or as an outcome in the history or a fix result.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const unscoped = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!/erledigt/i.test(n.data)) continue;
    const el = n.parentElement;
    if (!el || el.closest("script, style, template") || !visible(el)) continue;
    if (el.closest('[data-scope], [data-testid="history"], [data-testid="fix-result"]')) continue;
    unscoped.add(`"${short(el.textContent)}" (${where(el)})`);
  }
  for (const u of unscoped) problems.push(`"erledigt" outside any [data-scope]: ${u}`);

  // "Alle beheben" says the app's part.
  const fixAll = q('[data-testid="fix-all"]');
  if (fixAll) {
    if (known && counts.app === 0) problems.push(`[data-testid="fix-all"] is shown while the finish line's app part is 0`);
    if (int(fixAll.getAttribute("data-count")) !== counts?.app) {
      problems.push(`[data-testid="fix-all"] data-count="${fixAll.getAttribute("data-count")}" but the finish line's app part is ${counts?.app}: "${short(fixAll.textContent)}"`);
    }
  }

  // The fix dialog.
  const dialog = q('[data-testid="fix-dialog"]');
  const scope = dialog ?? document;
  const confirm = q('[data-testid="fix-confirm"]', scope);
  const planItems = qa('[data-testid="plan-item"]', scope);
  if (confirm) {
    let ticked = 0;
    for (const item of planItems) {
      if (item.matches('input[type="checkbox"]') && item.checked) ticked++;
      ticked += qa('input[type="checkbox"]', item).filter((c) => c.checked).length;
    }
    const n = int(confirm.getAttribute("data-count"));
    if (n !== ticked) problems.push(`[data-testid="fix-confirm"] data-count="${confirm.getAttribute("data-count")}" but ${ticked} of ${planItems.length} plan items are ticked: "${short(confirm.textContent)}"`);
    if (opts.fixAll && n !== counts?.app) problems.push(`right after "Alle beheben": [data-testid="fix-confirm"] data-count="${confirm.getAttribute("data-count")}" but the finish line's app part is ${counts?.app}`);
  } else if (opts.fixAll) {
    problems.push('"Alle beheben" opened no preview with [data-testid="fix-confirm"]');
  }
  if (planItems.length) {
    for (const needs of qa('[data-testid="needs-input"]', scope)) {
      if (!(needs.compareDocumentPosition(planItems[0]) & Node.DOCUMENT_POSITION_FOLLOWING)) {
        problems.push(`a choice to make comes after the first plan item: "${short(needs.textContent)}"`);
      }
    }
  }
  const results = qa('[data-testid="fix-result"]', scope);
  const summary = q('[data-testid="fix-summary"]', scope);
  let waiting;
  if (summary) {
    const [changed, failed, wait] = ["data-changed", "data-failed", "data-waiting"].map((a) => int(summary.getAttribute(a)));
    for (const [a, v] of [["data-changed", changed], ["data-failed", failed], ["data-waiting", wait]]) {
      if (v === null) problems.push(`[data-testid="fix-summary"] ${a}="${summary.getAttribute(a)}", not a whole number`);
    }
    if (changed !== null && failed !== null && changed + failed !== results.length) {
      problems.push(`[data-testid="fix-summary"] says ${changed} changed + ${failed} failed but ${results.length} results are listed: "${short(summary.textContent)}"`);
    }
    if (!q('[data-testid="fix-results"]', scope)) problems.push('the fix result has no [data-testid="fix-results"] list');
    if (wait !== null) waiting = wait;
  } else if (dialog && results.length) {
    problems.push('fix results are shown without [data-testid="fix-summary"]');
  }

  // The traffic lights follow their cells, and the legend explains every light and cell state shown.
  const rows = qa('[data-testid="user-row"]');
  if (rows.length) {
    const LIGHTS = ["red", "yellow", "green"];
    const STATES = ["ok", "problem", "sign", "manual", "unknown"];
    const lights = new Set();
    const states = new Set();
    for (const row of rows) {
      const name = short(row.querySelector("button")?.textContent ?? row.textContent, 40);
      const light = row.getAttribute("data-light");
      const cells = qa("td[data-state]", row).map((td) => td.getAttribute("data-state"));
      if (!LIGHTS.includes(light)) problems.push(`user row "${name}": data-light="${light}"`);
      else lights.add(light);
      for (const c of cells) {
        if (!STATES.includes(c)) problems.push(`user row "${name}": a cell with data-state="${c}"`);
        else states.add(c);
      }
      const expected = cells.includes("problem") ? "red" : cells.some((c) => ["sign", "manual", "unknown"].includes(c)) ? "yellow" : "green";
      if (LIGHTS.includes(light) && light !== expected) problems.push(`user row "${name}": light ${light} but its cells are [${cells.join(", ")}], so ${expected}`);
    }
    const legend = q('[data-testid="legend"]');
    if (!legend) problems.push('the users table has no [data-testid="legend"]');
    else {
      for (const x of [...lights, ...states]) {
        if (!legend.querySelector(`[data-legend="${x}"]`) && legend.getAttribute("data-legend") !== x) problems.push(`the legend has no entry [data-legend="${x}"], shown in the table`);
      }
    }
  }

  // One verdict per mailbox, and never a sign next to a confirmation.
  for (const card of qa('[data-testid="mailbox"]')) {
    const name = short(card.querySelector("strong")?.textContent ?? card.textContent, 60);
    const verdicts = qa('[data-testid="mail-verdict"]', card);
    if (verdicts.length !== 1) problems.push(`mailbox "${name}": ${verdicts.length} [data-testid="mail-verdict"], not one`);
    const verdict = card.getAttribute("data-verdict") ?? verdicts[0]?.getAttribute("data-verdict");
    if (!verdict) problems.push(`mailbox "${name}": no data-verdict`);
    const sign = verdict === "sign" || !!card.querySelector('[data-verdict="sign"]');
    const confirmation = card.innerText.match(/[^.\n]*\b(bestätigt|confirmed)\b[^.\n]*/i);
    if (sign && confirmation) problems.push(`mailbox "${name}": a sign (data-verdict="sign") and a confirmation "${short(confirmation[0])}" in one card`);
  }

  // Record numbers are never what a person reads.
  const numbers = new Set();
  for (const re of [/\b(Adresse|Objekt|Benutzer|Address|Listing|User) \d{3,}\b/g, /\b(estate|address|user):\d+/g]) {
    for (const m of text.matchAll(re)) numbers.add(`"${m[0]}" in "${lineOf(m.index)}"`);
  }
  for (const n of numbers) problems.push(`a record number is shown: ${n}`);

  // The focused element is not hidden under the sticky header.
  const active = document.activeElement;
  const sticky = q(".sticky");
  if (active && active !== document.body && active !== document.documentElement && active.isConnected && sticky) {
    if (!active.closest('.sticky, dialog, [role="dialog"], [role="alertdialog"]')) {
      const bottom = sticky.getBoundingClientRect().bottom;
      const top = active.getBoundingClientRect().top;
      if (top < bottom - 1) problems.push(`the focused ${where(active)} "${short(active.textContent, 40)}" is under the sticky header (its top ${Math.round(top)} px, the header's bottom ${Math.round(bottom)} px)`);
    }
  }

  return { problems, counts, dialog: !!dialog, waiting: waiting ?? null };
}

/** Runs axe-core in the page (injected once per page) and returns its violations, in short. */
async function axeViolations(s) {
  if (!(await s.exec("return !!window.axe;"))) {
    const ok = await s.exec(`${axeSource}\n;return !!window.axe;`);
    if (!ok) throw new Error("axe-core did not load in the webview");
  }
  const out = await s.execAsync(
    `const done = arguments[arguments.length - 1];
     window.axe
       .run(document, { runOnly: { type: "tag", values: arguments[0] }, resultTypes: ["violations"], elementRef: false })
       .then((r) => done({ rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length, violations: r.violations.map((v) => ({
         id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
         targets: v.nodes.slice(0, 4).map((n) => [].concat(n.target).map((t) => [].concat(t).join(" >>> ")).join(" ")),
         summary: v.nodes[0] ? String(v.nodes[0].failureSummary || "").replace(/\\s+/g, " ").slice(0, 200) : "",
       })) }))
       .catch((e) => done({ error: String((e && e.stack) || e) }));`,
    [AXE_TAGS],
  );
  if (out?.error) throw new Error(`axe.run failed: ${out.error}`);
  if (!out?.rules) throw new Error("axe.run ran no rules");
  if (!axeRules) {
    axeRules = out.rules;
    console.log(`e2e: axe-core ${await s.exec("return window.axe.version;")} runs ${out.rules} rules (${AXE_TAGS.join(", ")}) on every state`);
  }
  return out.violations;
}

/**
 * Checks the screen or dialog state the session shows now: axe (serious and critical violations fail) and the
 * one-picture rules. `label` names the state in the report. `opts.fixAll`: the fix dialog was just opened by "Alle
 * beheben" (its confirm count must equal the finish line's app part).
 */
export async function checkScreen(s, label, opts = {}) {
  checked++;
  await sleep(opts.settle ?? 250);
  const rules = () => s.exec(`return (${pageRules})(arguments[0]);`, [{ fixAll: !!opts.fixAll }]);
  let r = await rules();
  // A render may still be under way: a contradiction must hold a second later too.
  if (r.problems.length) {
    await sleep(1000);
    r = await rules();
  }
  for (const p of r.problems) record(label, p);

  // After the fix dialog closes, the finish line's choice part is what the result said waits for a choice.
  if (s.pendingWaiting && !r.dialog) {
    const { waiting, from } = s.pendingWaiting;
    s.pendingWaiting = null;
    let choice = r.counts?.choice;
    for (let i = 0; i < 25 && choice !== waiting; i++) {
      await sleep(200);
      choice = (await rules()).counts?.choice;
    }
    if (choice !== waiting) record(label, `after closing "${from}": the finish line's choice part is ${choice}, the result said data-waiting="${waiting}"`);
  }
  if (typeof r.waiting === "number") s.pendingWaiting = { waiting: r.waiting, from: label };

  let violations;
  try {
    violations = await axeViolations(s);
  } catch (e) {
    record(label, `axe: ${e.message}`);
    return;
  }
  const minor = [];
  for (const v of violations) {
    if (FAILING_IMPACTS.includes(v.impact)) {
      record(label, `axe ${v.id} (${v.impact}): ${v.help}; ${v.count} element(s): ${v.targets.join(" | ")}${v.summary ? ` — ${v.summary}` : ""}`);
    } else {
      minor.push(`${v.id} (${v.impact}) ×${v.count}`);
    }
  }
  if (minor.length) console.log(`e2e:   ${label}: axe, not failing: ${minor.join(", ")}`);
}

/** After confirming mailboxes: keyboard focus is inside `main` or the status region, not on the page's body. */
export async function checkFocusAfterConfirm(s, label) {
  let r;
  for (let i = 0; i < 15; i++) {
    r = await s.exec(
      `const a = document.activeElement;
       if (!a || a === document.body || a === document.documentElement) return { ok: false, what: "the page's body" };
       const t = a.closest("[data-testid]");
       return { ok: !!a.closest('main, [role="status"], [role="alert"], [aria-live]'),
                what: "<" + a.tagName.toLowerCase() + ">" + (t ? ' in [data-testid="' + t.getAttribute("data-testid") + '"]' : "") + ' "' + (a.textContent || "").trim().slice(0, 40) + '"' };`,
      [],
    );
    if (r.ok) return;
    await sleep(200);
  }
  record(label, `keyboard focus after confirming is on ${r.what}, not inside main or the status region`);
}

/** Records a state the test could not reach (so it is not silently left unchecked). */
export function notReached(label, why) {
  record(label, `not checked: ${why}`);
}

/** Everything found, grouped by problem with the screens it appeared on; null if nothing. */
export function screensReport() {
  if (!found.length) return null;
  const byText = new Map();
  for (const { label, text } of found) {
    if (!byText.has(text)) byText.set(text, []);
    const labels = byText.get(text);
    if (!labels.includes(label)) labels.push(label);
  }
  const lines = [`${found.length} problem(s) on ${new Set(found.map((f) => f.label)).size} of ${checked} checked states:`];
  for (const [text, labels] of byText) lines.push(`- ${text}\n    on: ${labels.join("; ")}`);
  return lines.join("\n");
}

/** Fails when any checked state had a problem. */
export function assertScreensClean() {
  const report = screensReport();
  if (report) throw new Error(`accessibility and one-picture checks failed\n${report}`);
  console.log(`e2e: ${checked} screen states checked: no serious or critical axe violation, one picture everywhere`);
}
