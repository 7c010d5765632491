// One rule for colours and glyphs: a checklist cell's glyph by its state, a row's light from its cells (the same rule
// as the engine's `Light::of`), and the legend drawn from both, so everything shown has its entry.
import type { Check, CheckState, Light } from "../bindings";

export const LIGHTS: Light[] = ["red", "yellow", "green"];
export const STATES: CheckState[] = ["ok", "problem", "sign", "manual", "unknown"];

/** The glyph of a cell: a proven problem and a sign look different. */
export const GLYPH: Record<CheckState, string> = { ok: "✔", problem: "✖", sign: "!", manual: "…", unknown: "?" };

/** A row's light from its cells: red with a proven problem, green when all are fine, yellow otherwise. */
export function lightOf(checks: Check[]): Light {
  if (checks.some((c) => c.state === "problem")) return "red";
  if (checks.every((c) => c.state === "ok")) return "green";
  return "yellow";
}

/** The legend's entries for what a table shows: its lights and its cell states, in a fixed order. */
export function legendOf(
  rows: { light: Light; checks: Check[] }[],
  columns: number,
): { lights: Light[]; states: CheckState[]; none: boolean } {
  const lights = new Set(rows.map((r) => r.light));
  const states = new Set(rows.flatMap((r) => r.checks.map((c) => c.state)));
  // A row without a linked address has only its link cell, and a mailbox without an enquiry to judge no answers
  // cell; what is left out shows "–".
  const none = rows.some((r) => r.checks.length < columns);
  return { lights: LIGHTS.filter((l) => lights.has(l)), states: STATES.filter((s) => states.has(s)), none };
}

/** Finding kinds that are a sign ("Anzeichen", read from the Maklerbuch), not a proven problem: they look different. */
export const SIGN_KINDS: readonly string[] = [
  "user.mail_booking_silent",
  "estate.enquiries_unanswered",
  "user.enquiries_unanswered",
];
export const isSign = (kind: string) => SIGN_KINDS.includes(kind);
