import { describe, expect, it } from "vitest";
import de from "../locales/de.json";
import en from "../locales/en.json";

type Pattern = string | RegExp;
type Row = {
  /** The one word the UI uses, German and English. */
  de: string;
  en: string;
  /** Words not to use for it (a string matches as written, case-sensitive). */
  notDe: Pattern[];
  notEn: Pattern[];
  /** Messages that may quote onOffice's own label with such a word, and why. */
  except?: Record<string, string>;
};

// One word for one thing: the glossary of docs/product.md, section "One word for one thing (glossary)".
// Keep the two in step: a row changed there is changed here.
const GLOSSARY: Record<string, Row> = {
  systemUser: { de: "Systembenutzer", en: "system user", notDe: ["Mitarbeiter", /\bNutzer/, "Anwender"], notEn: [/\bstaff\b/i, /\bemployee/i] },
  user: { de: "Benutzer", en: "user", notDe: [/\bNutzer/, "Anwender"], notEn: [] },
  contactType: { de: "Kontaktart", en: "contact type", notDe: ["Kontakttyp", "Adressart"], notEn: [/address type/i] },
  defaultEmail: { de: "Standard-E-Mail", en: "default e-mail", notDe: ["Haupt-E-Mail", "Standard-Mail"], notEn: [/primary e-?mail/i, /\bemail\b/i] },
  mailbox: { de: "Postfach", en: "mailbox", notDe: ["Mailbox", "E-Mail-Konto", "Posteingang"], notEn: [/\binbox/i, /mail account/i] },
  mailBooking: { de: "Mailverbuchung", en: "mail booking", notDe: ["E-Mail-Verbuchung", "Mailablage"], notEn: [/mail filing/i] },
  agentsLog: { de: "Maklerbuch", en: "agents log", notDe: ["Aktivitäten", "Protokoll"], notEn: ["Maklerbuch", /\bactivities\b/i, /activity log/i] },
  sign: { de: "Anzeichen", en: "sign", notDe: ["Indiz"], notEn: [/\bevidence\b/i, /\bindication\b/i] },
  listing: {
    de: "Vermietungsobjekt",
    en: "rental listing",
    notDe: ["Immobilie", "Inserat", "Mietobjekt", "Exposé"],
    notEn: [/\bpropert(y|ies)\b/i, /\badvert/i, /\brentals\b/i, /\brental\b(?! (listings?|agent)\b)/i],
    except: { "connect.step2": "the API user's right is called „Immobilien“ in onOffice" },
  },
  contactPerson: { de: "Ansprechpartner", en: "contact person", notDe: ["Kontaktperson", /\bKontakt\b/], notEn: [/(?<!sales )\bcontact\b(?! (persons?|types?)\b)/i] },
  officer: { de: "Betreuer", en: "Betreuer", notDe: ["Objektbetreuer", "Sachbearbeiter"], notEn: [/\bofficer\b/i, /property manager/i] },
  portals: { de: "Portale", en: "portals", notDe: ["Plattform", "Börse"], notEn: [/\bplatform/i] },
  retransfer: { de: "neu übertragen", en: "re-transfer", notDe: ["erneut übertragen", "neu veröffentlichen", "hochladen"], notEn: [/re-?upload/i, /republish/i] },
  history: { de: "Verlauf", en: "history", notDe: ["Protokoll", "Journal"], notEn: [/\bjournal\b/i] },
};

/** Names of the API: they belong in the diagnosis file and the docs, never on a screen. */
const API_NAMES: Pattern[] = [
  "adrId",
  "adressen.ID",
  "contactPerson",
  "contactPersonAll",
  "ArtDaten",
  "vermarktungsart",
  /\bmiete\b/, // the value key, as in „miete“; the word is „Miete“
  /\bbenutzer\b/, // the listing field; the word is Betreuer
  "estate:",
  "address:",
  "Aktionsart",
  "Aktionstyp",
  "HMAC",
  "api.php",
  /relation/i,
  "multiselect",
  "singleselect",
  "agentslog",
  "objektnr_extern",
];

const locales = { de, en } as Record<"de" | "en", Record<string, string>>;

/** Whether a message says the word; placeholders (`{email}`) are filled in later and do not count. */
function matches(message: string, p: Pattern): boolean {
  const value = message.replace(/\{[a-z_]+\}/g, "…");
  return typeof p === "string" ? value.includes(p) : p.test(value);
}

describe("one word for one thing", () => {
  it("names no API in any message", () => {
    const found: string[] = [];
    for (const [lang, messages] of Object.entries(locales)) {
      for (const [key, value] of Object.entries(messages)) {
        for (const p of API_NAMES) {
          if (matches(value, p)) found.push(`${lang} ${key}: ${String(p)} in ${JSON.stringify(value)}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it("uses the glossary's word, never one it rules out", () => {
    const found: string[] = [];
    for (const [name, row] of Object.entries(GLOSSARY)) {
      for (const [lang, patterns] of [["de", row.notDe], ["en", row.notEn]] as const) {
        for (const [key, value] of Object.entries(locales[lang])) {
          if (row.except?.[key]) continue;
          for (const p of patterns) {
            if (matches(value, p)) found.push(`${lang} ${key} (${name}): ${String(p)} in ${JSON.stringify(value)}`);
          }
        }
      }
    }
    expect(found).toEqual([]);
  });

  it("has a glossary word for each thing that the messages actually use", () => {
    const unused: string[] = [];
    for (const [name, row] of Object.entries(GLOSSARY)) {
      for (const lang of ["de", "en"] as const) {
        const word = row[lang].toLowerCase();
        if (!Object.values(locales[lang]).some((v) => v.toLowerCase().includes(word))) unused.push(`${lang} ${name}: ${row[lang]}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it("catches what it is meant to catch", () => {
    const rule = (name: string, lang: "de" | "en") => (v: string) =>
      (lang === "de" ? GLOSSARY[name].notDe : GLOSSARY[name].notEn).some((p) => matches(v, p));
    expect(API_NAMES.some((p) => matches("Wert „miete“ vorhanden", p))).toBe(true);
    expect(API_NAMES.some((p) => matches("über adrId:adressen.ID verknüpft", p))).toBe(true);
    expect(API_NAMES.some((p) => matches("Vermarktungsart „Miete“ vorhanden", p))).toBe(false);
    expect(rule("contactPerson", "en")("First contact is not a system user")).toBe(true);
    expect(rule("contactPerson", "en")("your onOffice sales contact")).toBe(false);
    expect(rule("contactPerson", "de")("Kontaktart „Makler“")).toBe(false);
    expect(rule("listing", "en")("answer enquiries about your rentals")).toBe(true);
    expect(rule("listing", "en")("so that the rental agent can answer")).toBe(false);
    expect(rule("systemUser", "de")("Benutzer ohne Adresse")).toBe(false);
  });
});
