// Message lookup for the UI: German first, English second. Keys are the same in both files.
import de from "../locales/de.json";
import en from "../locales/en.json";
import type { Text } from "../bindings";

export type Locale = "de" | "en";
export type MessageKey = keyof typeof de;

const catalogs: Record<Locale, Record<string, string>> = { de, en };

export function translate(locale: Locale, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = catalogs[locale][key] ?? catalogs.de[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
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
