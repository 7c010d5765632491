// The "one picture" rules on a rendered screen: counts of one set equal everywhere, "erledigt" only with its scope,
// no light contradicting its row, every light and glyph in the legend, one verdict per mailbox, no record number
// where a name is known. Returns what breaks a rule (empty: the screen agrees with itself). The end-to-end test
// checks the same rules in the real webview (tests/e2e/screens.mjs).
import type { AuditReport } from "../bindings";

const PARTS = ["app", "choice", "confirm", "on_office", "agent", "portals"] as const;

export function pictureProblems(root: HTMLElement, report: AuditReport): string[] {
  const problems: string[] = [];
  const count = (p: string) => root.querySelector(`[data-part="${p}"]`)?.getAttribute("data-count");
  for (const p of PARTS) {
    if (count(p) !== String(report.left[p].count)) problems.push(`${p}: shows ${count(p)}, the model ${report.left[p].count}`);
  }
  const allZero = PARTS.every((p) => report.left[p].count === 0);
  const text = root.textContent ?? "";
  if (!!root.querySelector('[data-testid="all-done"]') !== allZero) problems.push("all-done shown against the model");
  if (!allZero && /Alles erledigt|All done/.test(text)) problems.push("'Alles erledigt' while parts are open");
  const fixAll = root.querySelector('[data-testid="fix-all"]');
  if (report.left.app.count > 0 && fixAll?.getAttribute("data-count") !== String(report.left.app.count)) {
    problems.push(`Alle beheben says ${fixAll?.getAttribute("data-count")}, the app part ${report.left.app.count}`);
  }
  for (const el of root.querySelectorAll("*")) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent ?? "").join("");
    if (/erledigt/.test(own) && !el.closest("[data-scope]")) problems.push(`'erledigt' without its scope: ${own.trim()}`);
  }
  for (const row of root.querySelectorAll<HTMLElement>('[data-testid="user-row"]')) {
    const states = [...row.querySelectorAll("td[data-state]")].map((c) => c.getAttribute("data-state"));
    const want = states.includes("problem") ? "red" : states.every((s) => s === "ok") ? "green" : "yellow";
    if (row.dataset.light !== want) problems.push(`row ${row.textContent?.slice(0, 40)}: ${row.dataset.light}, cells say ${want}`);
  }
  const legend = root.querySelector('[data-testid="legend"]');
  if (legend) {
    const shown = new Set<string>();
    for (const row of root.querySelectorAll<HTMLElement>('[data-testid="user-row"]')) {
      shown.add(row.dataset.light ?? "");
      row.querySelectorAll("td[data-state]").forEach((c) => shown.add(c.getAttribute("data-state") ?? ""));
    }
    for (const s of shown) if (!legend.querySelector(`[data-legend="${s}"]`)) problems.push(`legend lacks ${s}`);
  }
  for (const card of root.querySelectorAll<HTMLElement>('[data-testid="mailbox"]')) {
    const verdicts = card.querySelectorAll('[data-testid="mail-verdict"]').length;
    if (verdicts !== 1) problems.push(`mailbox with ${verdicts} verdicts`);
    if (card.dataset.verdict === "sign" && /bestätigt am/.test(card.textContent ?? "") && !/Anzeichen: Haken bestätigt/.test(card.textContent ?? "")) {
      problems.push("a card says sign and confirmed at once");
    }
  }
  const numbers = text.match(/\b(Adresse|Objekt|Benutzer|Address|Listing|User) \d{3,}\b|\b(estate|address|user):\d+/g);
  if (numbers) problems.push(`record numbers: ${numbers.join(", ")}`);
  return problems;
}
