// Message lookup for the UI: German first, English second. Keys are the same in both files.
import de from "../locales/de.json";
import en from "../locales/en.json";
import type { Text } from "../bindings";

export type Locale = "de" | "en";
export type MessageKey = keyof typeof de;

const catalogs: Record<Locale, Record<string, string>> = { de, en };

const tags: Record<Locale, string> = { de: "de-DE", en: "en-GB" };

/** A number the way the language writes it: 20.000 in German, 20,000 in English. */
export function formatNumber(locale: Locale, n: number): string {
  return new Intl.NumberFormat(tags[locale]).format(n);
}

/** A date and time the way the language writes it (27.11.2026, 14:05 in German), in this PC's time zone. */
export function formatDateTime(locale: Locale, iso: string | Date, withTime = true): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  const date = new Intl.DateTimeFormat(tags[locale], { day: "2-digit", month: "2-digit", year: "numeric" }).format(d);
  if (!withTime) return date;
  const time = new Intl.DateTimeFormat(tags[locale], { hour: "2-digit", minute: "2-digit" }).format(d);
  return `${date}, ${time}`;
}

/**
 * The message for `key`, with `{name}` filled from `vars` (numbers written the language's way). A message with a
 * count `n` has a singular form under `key_one`, used when n is 1 ("1 offener Punkt", "2 offene Punkte").
 */
export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const catalog = catalogs[locale];
  const one = vars.n === 1 ? `${key}_one` : null;
  const text = (one && (catalog[one] ?? catalogs.de[one])) || catalog[key] || catalogs.de[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) return `{${name}}`;
    return typeof v === "number" ? formatNumber(locale, v) : v;
  });
}

/** The right language of a bilingual text from the engine. */
export function pick(locale: Locale, text: Text): string {
  return locale === "en" ? text.en : text.de;
}

export function missingKeys(): string[] {
  const a = Object.keys(de);
  const b = Object.keys(en);
  return [...a.filter((k) => !b.includes(k)), ...b.filter((k) => !a.includes(k))];
}
