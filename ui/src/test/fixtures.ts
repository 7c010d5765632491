// Hand-built backend answers for the UI tests, typed with the generated bindings so they stay in step with Rust.
import type { AuditView, Finding, FixPlan, HistoryItem, Left, PartLeft } from "../bindings";

const t = (de: string, en = de) => ({ de, en });

export const notMakler: Finding = {
  kind: "user.not_makler",
  subject: "address:1002",
  subject_label: "Thomas Lehmann",
  severity: "error",
  title: t("Kontaktart „Makler“ fehlt", "Contact type \"Makler\" missing"),
  seen: t("Kontaktart: Systembenutzer, Kunde."),
  expected: t("Kontaktart enthält „Makler“."),
  resolution: { type: "fix", fix: "add_makler_key" },
};

export const external: Finding = {
  kind: "user.mailbox_external",
  subject: "address:1004",
  subject_label: "Leon Krause",
  severity: "error",
  title: t("Externes Postfach: keine automatische Mailverbuchung möglich"),
  seen: t("leon@gmx.de liegt bei GMX."),
  expected: t("Ein Microsoft-365-Postfach oder ein onOffice-Postfach."),
  resolution: {
    type: "manual",
    click_path: t("onOffice-Support: onOffice-eigenes Postfach einrichten lassen"),
    steps: [],
    support: { to: "support@onoffice.de", subject: "Postfach", body: "Bitte einrichten" },
    help_url: "https://example.invalid/help",
  },
};

export const noContact: Finding = {
  kind: "estate.no_contact",
  subject: "estate:2000",
  subject_label: "Helle 3-Zimmer-Wohnung (M-10000)",
  severity: "error",
  title: t("Kein Ansprechpartner verknüpft"),
  seen: t("Dem Objekt ist kein Ansprechpartner zugeordnet."),
  expected: t("Erster Ansprechpartner ist die Systembenutzer-Adresse eines Maklers."),
  resolution: { type: "fix", fix: "assign_contact_person" },
};

/** The engine's model of what is left, for hand-built findings (no choice needed, one mailbox per finding). */
export function leftOf(findings: Finding[]): Left {
  const part = (pick: (f: Finding) => boolean, de: (n: number) => string): PartLeft => {
    const act = findings.filter(pick).map((f) => ({ kind: f.kind, subject: f.subject }));
    return { count: act.length, act, follow: [], said: act.length ? t(de(act.length)) : t("", "") };
  };
  const left = {
    app: part((f) => f.resolution.type === "fix", (n) => `${n} Änderungen schreibt Agent-Check mit einem Klick`),
    choice: part(() => false, (n) => `${n} warten auf Ihre Wahl`),
    confirm: part((f) => f.kind === "user.mail_booking_unconfirmed", (n) => `${n} Postfächer warten auf Ihre Bestätigung`),
    on_office: part(
      (f) =>
        f.resolution.type === "manual" &&
        !["user.mail_booking_unconfirmed", "estate.portal_transfer_pending"].includes(f.kind) &&
        !f.kind.endsWith("enquiries_unanswered"),
      (n) => `${n} Punkte nur in onOffice zu lösen`,
    ),
    agent: part((f) => f.kind.endsWith("enquiries_unanswered"), (n) => `${n} Anzeichen beim Mietagenten zu klären`),
    portals: part((f) => f.kind === "estate.portal_transfer_pending", (n) => `${n} Objekte neu an die Portale übertragen`),
  };
  const open = [left.app, left.choice, left.confirm, left.on_office, left.agent, left.portals].filter((p) => p.count > 0);
  const said = open.length ? t(open.map((p) => p.said.de).join(" · ")) : t("Alles erledigt.", "All done.");
  return { ...left, said };
}

export function auditView(findings: Finding[] = [notMakler, external, noContact]): AuditView {
  return {
    account: "Demo: Isar Wohnwerte GmbH",
    demo: true,
    checked_at: "2026-11-27T10:00:00Z",
    new_since_last: [],
    fixed_since_last: [],
    journal_notes: [],
    report: {
      findings,
      users: [
        {
          name: "Thomas Lehmann",
          user_nr: 19,
          address_id: 1002,
          email: "thomas@isar-wohnwerte.de",
          mailbox: { kind: "microsoft365" },
          light: "red",
          checks: [
            { name: "linked", state: "ok", detail: t("Verknüpft") },
            { name: "makler", state: "problem", detail: t("„Makler“ fehlt") },
          ],
          findings: ["user.not_makler"],
        },
      ],
      user_checks: ["linked", "makler", "email", "mailbox", "booking"],
      listings: [
        {
          estate_id: 2000,
          title: "Helle 3-Zimmer-Wohnung",
          external_no: "M-10000",
          city: "Köln",
          officer: "Thomas Lehmann",
          first_contact: null,
          first_contact_id: null,
          skipped_contacts: [],
          findings: ["estate.no_contact"],
          last_transfer: null,
        },
      ],
      mailboxes: [
        { email: "thomas@isar-wohnwerte.de", kind: { kind: "microsoft365" }, addresses: [1002], names: ["Thomas Lehmann"], confirmed: null, evidence: { verdict: "unknown", why: "no_listings" }, verdict: { verdict: "to_confirm" }, answers: null },
      ],
      makler: { status: "found", key: "Makler", label: "Makler" },
      stats: { elapsed_ms: 120, requests: 4, actions: 6, users: 20, system_addresses: 19, rentals: 99, mailboxes_not_checked: 0 },
      assumptions: [],
      complete: true,
      transfer_kinds: [],
      left: leftOf(findings),
      answers: { seen: "not_read" },
      answers_note: null,
    },
  };
}

export const plan: FixPlan = {
  items: [
    {
      id: 0,
      kind: "user.not_makler",
      subject: "address:1002",
      label: "Thomas Lehmann",
      description: t("Kontaktart: „Systembenutzer, Kunde“ → „Systembenutzer, Kunde, Makler“"),
      op: { op: "add_contact_type", address: 1002, key: "Makler", key_label: "Makler", before: ["Systembenutzer", "Kunde"], after: ["Systembenutzer", "Kunde", "Makler"] },
      requires: null,
    },
  ],
  needs_input: [],
};

export const history: HistoryItem[] = [
  { seq: 3, at: "2026-11-27T10:01:00Z", label: "Thomas Lehmann", event: "applied", summary: t("Kontaktart „Makler“ ergänzt"), undoable: true, automatic: false },
];
