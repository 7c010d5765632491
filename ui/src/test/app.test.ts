// The UI's flows against a mocked backend (mockIPC): connect, audit with progress, preview, apply, undo, report, errors.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { openUrl } from "@tauri-apps/plugin-opener";
import { emit } from "@tauri-apps/api/event";
import App from "../App.svelte";
import { app } from "../lib/app.svelte";
import { auditView, external, history, noContact, notMakler, plan } from "./fixtures";

type Handler = (args: Record<string, unknown>) => unknown;
let calls: { cmd: string; args: Record<string, unknown> }[] = [];

function backend(overrides: Record<string, Handler> = {}) {
  calls = [];
  const defaults: Record<string, Handler> = {
    get_settings: () => ({ language: "de", makler_key: null, mail_booking: {} }),
    connection_status: () => ({ mode: "none", label: "", api_url: "" }),
    list_accounts: () => ({ accounts: [], total: 0, removed: [], notes: [] }),
    run_audit: () => auditView(),
    fix_history: () => history,
    "plugin:app|version": () => "0.1.0",
  };
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      const h = overrides[cmd] ?? defaults[cmd];
      if (!h) throw new Error(`unexpected command ${cmd}`);
      return h((args ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );
}

const called = (cmd: string) => calls.filter((c) => c.cmd === cmd);

beforeEach(() => {
  app.screen = "start";
  app.tab = "users";
  app.outside = null;
  app.view = null;
  app.error = null;
  app.notice = null;
  app.dialog = null;
  app.progress = null;
  app.status = { mode: "none", label: "", api_url: "", account_id: null, said: null };
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("connect", () => {
  it("checks lengths as typed, tests, stores and audits", async () => {
    backend({
      test_connection: () => ({ users: 12 }),
      connect: () => ({ mode: "account", label: "API-Benutzer abcd…", api_url: "https://api.onoffice.de/api/stable/api.php" }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("go-connect"));
    const token = screen.getByTestId("token") as HTMLInputElement;
    const secret = screen.getByTestId("secret") as HTMLInputElement;
    await fireEvent.input(token, { target: { value: "abc" } });
    expect(screen.getByText("3 von 32 Zeichen")).toBeTruthy();
    expect((screen.getByTestId("test") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(token, { target: { value: ` ${"a".repeat(32)} ` } });
    await fireEvent.input(secret, { target: { value: "b".repeat(64) } });
    await fireEvent.click(screen.getByTestId("test"));
    expect(await screen.findByText("Verbindung klappt: 12 Benutzer gefunden.")).toBeTruthy();
    expect(called("test_connection")[0].args).toEqual({ input: { token: "a".repeat(32), secret: "b".repeat(64), api_url: null } });
    await fireEvent.click(screen.getByTestId("save"));
    expect(await screen.findByTestId("summary")).toBeTruthy();
    // After the audit the header names the company the account belongs to, not part of the token.
    expect(screen.getByTestId("connected-as").textContent).toBe("verbunden als Demo: Isar Wohnwerte GmbH");
    expect(called("run_audit").length).toBe(1);
  });

  it("says when token and secret are swapped, swaps them on request, and shows that it is testing", async () => {
    let release: (v: unknown) => void = () => undefined;
    backend({ test_connection: () => new Promise((r) => (release = r)) });
    render(App);
    await fireEvent.click(await screen.findByTestId("go-connect"));
    await fireEvent.input(screen.getByTestId("token"), { target: { value: "b".repeat(64) } });
    await fireEvent.input(screen.getByTestId("secret"), { target: { value: "a".repeat(32) } });
    expect(screen.getByTestId("swapped").textContent).toContain("Token und Secret vertauscht?");
    await fireEvent.click(screen.getByTestId("swap"));
    expect(screen.queryByTestId("swapped")).toBeNull();
    expect((screen.getByTestId("token") as HTMLInputElement).value).toBe("a".repeat(32));
    await fireEvent.click(screen.getByTestId("test"));
    expect(screen.getByTestId("testing").textContent).toBe("Prüfe …");
    expect(called("test_connection")[0].args).toEqual({ input: { token: "a".repeat(32), secret: "b".repeat(64), api_url: null } });
    release({ users: 20 });
    expect((await screen.findByTestId("test-result")).textContent).toBe("Verbindung klappt: 20 Benutzer gefunden.");
  });

  it("shows the backend's German message for wrong credentials and stays on the form", async () => {
    backend({
      test_connection: () => {
        throw { code: "credentials", message: "onOffice hat Token oder Secret nicht angenommen.", message_en: "onOffice did not accept the token or secret." };
      },
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("go-connect"));
    await fireEvent.input(screen.getByTestId("token"), { target: { value: "a".repeat(32) } });
    await fireEvent.input(screen.getByTestId("secret"), { target: { value: "b".repeat(64) } });
    await fireEvent.click(screen.getByTestId("test"));
    expect(await screen.findByText("onOffice hat Token oder Secret nicht angenommen.")).toBeTruthy();
    expect(screen.getByTestId("token")).toBeTruthy();
  });
});

describe("audit", () => {
  it("shows progress while it works and can be cancelled", async () => {
    let fail: (v: unknown) => void = () => {};
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo: Isar", api_url: "" }),
      run_audit: () => {
        void emit("audit-progress", { step: 3, of: 5, label: { de: "Lese Ansprechpartner …", en: "Reading contacts …" } }).catch(() => undefined);
        return new Promise((_resolve, reject) => (fail = reject));
      },
      cancel_audit: () => {
        fail({ code: "cancelled", message: "Die Prüfung wurde abgebrochen.", message_en: "The check was cancelled." });
        return null;
      },
    });
    render(App);
    expect(await screen.findByText("Lese Ansprechpartner …")).toBeTruthy();
    expect(screen.getByTestId("progress").getAttribute("aria-valuenow")).toBe("3");
    expect(screen.getByTestId("demo-banner")).toBeTruthy();
    await fireEvent.click(screen.getByText("Abbrechen"));
    await waitFor(() => expect(called("cancel_audit").length).toBe(1));
    await waitFor(() => expect(screen.queryByTestId("progress")).toBeNull());
    expect(called("cancel_audit").length).toBe(1);
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("shows a clock error in plain German", async () => {
    backend({
      connection_status: () => ({ mode: "account", label: "x", api_url: "" }),
      run_audit: () => {
        throw { code: "clock", message: "Die Uhrzeit dieses PCs weicht um mehr als zwei Minuten ab.", message_en: "clock" };
      },
    });
    render(App);
    expect((await screen.findByTestId("error")).textContent).toContain("Die Uhrzeit dieses PCs weicht");
  });
});

describe("re-check", () => {
  it("shows what got fixed and what is new since the last check", async () => {
    const view = auditView([noContact]);
    view.fixed_since_last = [
      { kind: "user.not_makler", subject: "address:1002", title: { de: "Kontaktart „Makler“ fehlt", en: "x" }, label: "Thomas Lehmann" },
    ];
    view.new_since_last = [
      { kind: "estate.no_contact", subject: "estate:2000", title: { de: "Kein Ansprechpartner verknüpft", en: "x" }, label: "Helle 3-Zimmer-Wohnung (M-10000)" },
    ];
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => view });
    render(App);
    // Closed by default (it never covers the screen), opened below the sticky header, named, never numbered.
    const toggle = await screen.findByTestId("delta-toggle");
    expect(toggle.textContent).toContain("erledigt: 1 · neu: 1");
    expect(screen.queryByTestId("delta")).toBeNull();
    await fireEvent.click(toggle);
    const delta = await screen.findByTestId("delta");
    expect(delta.closest(".sticky")).toBeNull();
    expect(delta.textContent).toContain("Kontaktart „Makler“ fehlt – Thomas Lehmann");
    expect(delta.textContent).not.toMatch(/Adresse \d+/);
    expect(delta.textContent).toContain("Helle 3-Zimmer-Wohnung (M-10000)");
  });
});

describe("fixes", () => {
  it("opens the preview with every fix ticked, applies only what stays ticked after one confirmation", async () => {
    const three = {
      ...plan,
      items: [0, 1, 2].map((id) => ({ ...plan.items[0], id, subject: `address:${1002 + id}`, label: ["Thomas Lehmann", "Julia Meier", "Leon Krause"][id] })),
    };
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      plan_fixes: () => three,
      apply_fixes: () => ({
        results: [{ id: 0, subject: "address:1002", label: "Thomas Lehmann", outcome: { outcome: "applied" }, message: { de: "„Makler“ ergänzt.", en: "added" }, journal_seq: 1 }],
        audit: auditView([]),
      }),
    });
    render(App);
    const fixAll = await screen.findByTestId("fix-all");
    fixAll.focus();
    await fireEvent.click(fixAll);
    // Straight to the preview, everything ticked.
    const items = await screen.findAllByTestId("plan-item");
    expect(items.length).toBe(3);
    expect(items.every((i) => (i.querySelector("input") as HTMLInputElement).checked)).toBe(true);
    expect(screen.getByText("3 von 3 ausgewählt")).toBeTruthy();
    expect(called("plan_fixes")[0].args).toEqual({
      request: {
        findings: [
          { kind: "user.not_makler", subject: "address:1002" },
          { kind: "estate.no_contact", subject: "estate:2000" },
        ],
        choices: { emails: {}, contacts: {} },
      },
    });
    // The main button has the focus.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("fix-confirm")));
    await fireEvent.click(screen.getByTestId("tick-none"));
    expect((screen.getByTestId("fix-confirm") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("tick-all"));
    await fireEvent.click(items[1].querySelector("input")!);
    expect(screen.getByTestId("fix-confirm").textContent).toBe("2 Änderungen übernehmen …");
    await fireEvent.click(items[2].querySelector("input")!);
    expect(screen.getByTestId("fix-confirm").textContent).toBe("1 Änderung übernehmen …");
    await fireEvent.click(items[2].querySelector("input")!);
    await fireEvent.click(screen.getByTestId("fix-confirm"));
    expect(called("apply_fixes").length).toBe(0);
    // Where "übernehmen" was, "Nein, noch nicht" is now; the confirming button comes before it.
    expect(screen.queryByTestId("fix-confirm")).toBeNull();
    const buttons = [...screen.getByTestId("fix-dialog").querySelectorAll(".actions button")];
    expect(buttons.at(-1)).toBe(screen.getByTestId("fix-not-yet"));
    expect(buttons.indexOf(screen.getByTestId("fix-apply"))).toBe(buttons.length - 2);
    await fireEvent.click(screen.getByTestId("fix-not-yet"));
    expect(called("apply_fixes").length).toBe(0);
    await fireEvent.click(screen.getByTestId("fix-confirm"));
    await fireEvent.click(screen.getByTestId("fix-apply"));
    const result = await screen.findByTestId("fix-result");
    expect(result.getAttribute("data-outcome")).toBe("applied");
    expect(called("apply_fixes")[0].args).toEqual({ items: [0, 2] });
    // No listing's contact changed: no re-transfer hint.
    expect(screen.queryByTestId("transfer-hint")).toBeNull();
    await fireEvent.click(screen.getByTestId("fix-close"));
    expect(screen.queryByTestId("fix-dialog")).toBeNull();
  });

  it("closes the dialog with Escape, writes nothing, and gives the focus back", async () => {
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), plan_fixes: () => plan });
    render(App);
    const fixAll = await screen.findByTestId("fix-all");
    fixAll.focus();
    await fireEvent.click(fixAll);
    await screen.findAllByTestId("plan-item");
    await fireEvent.click(screen.getByTestId("fix-confirm"));
    await fireEvent.keyDown(screen.getByTestId("fix-dialog"), { key: "Escape" });
    expect(screen.queryByTestId("fix-dialog")).toBeNull();
    expect(called("apply_fixes").length).toBe(0);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("fix-all")));
  });

  it("asks inside the preview for a contact person where the Betreuer is not ready", async () => {
    const withInput = {
      items: [],
      needs_input: [{ kind: "estate.no_contact" as const, subject: "estate:2000", label: "Helle 3-Zimmer-Wohnung (M-10000)", reason: { de: "Der Betreuer ist nicht bereit.", en: "x" } }],
    };
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), plan_fixes: () => withInput });
    render(App);
    await fireEvent.click(await screen.findByTestId("fix-all"));
    const select = (await screen.findByTestId("needs-contact")) as HTMLSelectElement;
    // What needs a choice comes first, and a pick counts at once (no hidden refresh step).
    expect(screen.queryByText("Vorschau aktualisieren")).toBeNull();
    expect(select.getAttribute("aria-label")).toBe("Ansprechpartner für Helle 3-Zimmer-Wohnung (M-10000)");
    await fireEvent.change(select, { target: { value: "1002" } });
    await waitFor(() => expect(called("plan_fixes").length).toBe(2));
    expect((called("plan_fixes")[1].args.request as { choices: unknown }).choices).toEqual({ emails: {}, contacts: { 2000: 1002 } });
  });

  it("assigns a listing's contact person with the chosen system user", async () => {
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), plan_fixes: () => plan });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-listings"));
    const row = await screen.findByTestId("listing-row");
    await fireEvent.change(row.querySelector("select")!, { target: { value: "1002" } });
    await fireEvent.click(screen.getByTestId("assign"));
    await fireEvent.click(screen.getByTestId("fix-preview"));
    await waitFor(() => expect(called("plan_fixes").length).toBe(1));
    expect(called("plan_fixes")[0].args).toEqual({
      request: { findings: [{ kind: "estate.no_contact", subject: "estate:2000" }], choices: { emails: {}, contacts: { 2000: 1002 } } },
    });
  });

  it("marks system users who are not ready in the contact choice, and offers none with an external mailbox", async () => {
    const view = auditView();
    const base = view.report.users[0];
    view.report.users = [
      base,
      { ...base, name: "Eva Extern", user_nr: 21, address_id: 1003, findings: ["user.mailbox_external"] },
      { ...base, name: "Otto Ohnemail", user_nr: 23, address_id: 1004, email: null, findings: ["user.no_email"] },
    ];
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => view });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-listings"));
    const row = await screen.findByTestId("listing-row");
    const options = [...row.querySelectorAll("option")];
    const byValue = (v: string) => options.find((o) => o.value === v)!;
    expect(byValue("1002").textContent?.trim()).toBe("Thomas Lehmann");
    expect(byValue("1003").textContent).toContain("Eva Extern – nicht bereit: externes Postfach");
    expect(byValue("1003").disabled).toBe(true);
    expect(byValue("1004").textContent).toContain("Otto Ohnemail – nicht bereit: keine E-Mail");
    expect(byValue("1004").disabled).toBe(false);
  });

  it("asks for an e-mail address when the user has none, then previews with it", async () => {
    const noEmail = { ...notMakler, kind: "user.no_email" as const, subject: "address:1003" as const, subject_label: "Sabine Schulz" };
    const withInput = { items: [], needs_input: [{ kind: "user.no_email" as const, subject: "address:1003", label: "Sabine Schulz", reason: { de: "Bitte eine gültige E-Mail-Adresse eingeben.", en: "x" } }] };
    const planned = { ...plan, items: [{ ...plan.items[0], kind: "user.no_email" as const, subject: "address:1003", label: "Sabine Schulz", description: { de: "Standard-E-Mail: (keine) → sabine@isar-wohnwerte.de", en: "x" }, op: { op: "add_default_email" as const, address: 1003, email: "sabine@isar-wohnwerte.de" } }] };
    let n = 0;
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => auditView([noEmail]),
      plan_fixes: () => (n++ === 0 ? withInput : planned),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("fix-all"));
    const input = (await screen.findByPlaceholderText("name@firma.de")) as HTMLInputElement;
    expect(screen.getByText(/Bitte eine gültige E-Mail-Adresse eingeben/)).toBeTruthy();
    expect((screen.getByTestId("fix-confirm") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(input, { target: { value: "sabine@isar-wohnwerte.de" } });
    expect(await screen.findByText(/sabine@isar-wohnwerte.de/, {}, { timeout: 2000 })).toBeTruthy();
    expect(called("plan_fixes")[1].args).toEqual({
      request: { findings: [{ kind: "user.no_email", subject: "address:1003" }], choices: { emails: { 1003: "sabine@isar-wohnwerte.de" }, contacts: {} } },
    });
  });

  it("ticks a re-transferred listing off", async () => {
    const view = auditView([]);
    view.report.listings[0].findings = ["estate.portal_transfer_pending"];
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => view,
      confirm_transfer: () => auditView([]),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-listings"));
    expect((await screen.findAllByText(/Objekte aktualisieren/)).length).toBeGreaterThan(0);
    await fireEvent.click((await screen.findByTestId("transfer-row")).querySelector("input")!);
    await waitFor(() => expect(called("confirm_transfer")[0]?.args).toEqual({ estate: 2000 }));
    // The answer is the checklist again; no new check of the whole account.
    await waitFor(() => expect(screen.queryByTestId("transfer-row")).toBeNull());
    expect(called("run_audit").length).toBe(1);
  });

  it("says when a waiting listing was last transferred and that the app watches the Maklerbuch", async () => {
    const view = auditView([]);
    const row = view.report.listings[0];
    row.findings = ["estate.portal_transfer_pending"];
    row.last_transfer = "2026-11-20T09:31:00Z";
    view.report.transfer_kinds = ["Export › Portal-Aktualisierung"];
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => view });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-listings"));
    expect((await screen.findByTestId("last-transfer")).textContent).toMatch(/zuletzt übertragen am 20\.11\.2026, \d\d:31, vor der Änderung/);
    expect(screen.getByTestId("transfer-watched").textContent).toContain("„Export › Portal-Aktualisierung“");
    // A handful waiting: no Portalabgleich offered.
    expect(screen.queryByTestId("transfer-bulk")).toBeNull();
  });

  it("offers the Portalabgleich when more than five listings wait, in an account that shows no transfers", async () => {
    const row = { ...auditView([]).report.listings[0], findings: ["estate.portal_transfer_pending" as const] };
    const many = auditView([]);
    many.report.listings = Array.from({ length: 6 }, (_, i) => ({ ...row, estate_id: 3000 + i, external_no: `M-${i}`, last_transfer: null }));
    many.report.transfer_kinds = [];
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => many });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-listings"));
    expect((await screen.findByTestId("transfer-bulk")).textContent).toContain("6 Objekte warten");
    expect(screen.queryByTestId("transfer-watched")).toBeNull();
    expect(screen.queryByTestId("last-transfer")).toBeNull();
    await fireEvent.click(screen.getByText("onOffice-Hilfe zum Portalabgleich öffnen"));
    expect(vi.mocked(openUrl)).toHaveBeenCalledWith("https://de.enterprisehilfebeta.onoffice.com/help_entries/uebertragung/portalabgleich");
  });

  it("undoes a change from the history", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      undo_change: () => ({
        results: [{ id: 3, subject: "address:1002", label: "Thomas Lehmann", outcome: { outcome: "applied" }, message: { de: "Rückgängig gemacht.", en: "Undone." }, journal_seq: 4 }],
        audit: auditView(),
      }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-history"));
    await fireEvent.click(await screen.findByTestId("undo"));
    await waitFor(() => expect(called("undo_change")[0]?.args).toEqual({ seq: 3, force: false }));
    expect(await screen.findByText(/Rückgängig gemacht/)).toBeTruthy();
    expect(screen.queryByTestId("undo-force")).toBeNull();
  });

  it("shows both values when a colleague changed the record since, and undoes only when asked again", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      undo_change: (args) =>
        args.force
          ? { results: [{ id: 3, subject: "address:1002", label: "Thomas Lehmann", outcome: { outcome: "applied" }, message: { de: "Rückgängig gemacht.", en: "Undone." }, journal_seq: 5 }], audit: auditView() }
          : {
              results: [{ id: 3, subject: "address:1002", label: "Thomas Lehmann", outcome: { outcome: "conflict" },
                message: { de: "Seit der Korrektur wurde der Datensatz geändert: die Korrektur hinterließ „Makler, Systembenutzer“, jetzt steht dort „Makler, Systembenutzer, Tippgeber“.", en: "changed" }, journal_seq: null }],
              audit: auditView(),
            },
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-history"));
    await fireEvent.click(await screen.findByTestId("undo"));
    expect(await screen.findByText(/jetzt steht dort „Makler, Systembenutzer, Tippgeber“/)).toBeTruthy();
    await fireEvent.click(await screen.findByTestId("undo-force"));
    await waitFor(() => expect(called("undo_change")[1]?.args).toEqual({ seq: 3, force: true }));
    expect(await screen.findByText(/Rückgängig gemacht/)).toBeTruthy();
  });
});

describe("report", () => {
  it("exports the checklist as CSV to the chosen place", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      export_report: (args) => `/tmp/${args.fileName}`,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("export-csv"));
    expect(await screen.findByText(/^Gespeichert: \/tmp\/agent-check-bericht-\d{2}\.\d{2}\.\d{4}\.csv$/)).toBeTruthy();
    const args = called("export_report")[0].args;
    expect(args.format).toBe("csv");
    // The webview suggests a file name; where it goes, the person decides in the save dialog (on the Rust side).
    expect(args.fileName).toMatch(/^agent-check-bericht-\d{2}\.\d{2}\.\d{4}\.csv$/);
    expect(args).not.toHaveProperty("path");
    // When it was checked, in German local form with the time zone named.
    expect(args.checkedAt).toMatch(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} \(.+\)$/);
  });

  it("saves the printable report and says where; a cancelled save dialog says nothing", async () => {
    let answer: string | null = null;
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      export_report: () => answer,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("export-html"));
    await waitFor(() => expect(called("export_report").length).toBe(1));
    expect(screen.queryByText(/gespeichert/)).toBeNull();
    answer = "/tmp/bericht.html";
    await fireEvent.click(screen.getByTestId("export-html"));
    expect(await screen.findByText(/Bericht gespeichert: \/tmp\/bericht.html/)).toBeTruthy();
    expect(called("export_report")[1].args.format).toBe("html");
  });
});

describe("connection check", () => {
  it("marks an incomplete checklist and unchecked mailboxes, lists the assumptions and saves the diagnosis", async () => {
    const view = auditView([noContact]);
    view.report.complete = false;
    view.report.stats.mailboxes_not_checked = 2;
    const t = (de: string) => ({ de, en: de });
    const diagnosis = {
      app_version: "0.1.0", created: "2026-11-27T16:00:00Z", api_host: "api.onoffice.de", reads: [], fields: {}, value_keys: {},
      requests: 2, elapsed_ms: 300,
      assumptions: [
        { id: "users_readable", state: "holds", title: t("Benutzer lesbar"), seen: t("20 Benutzer gelesen"), meaning: t(""), todo: t("") },
        { id: "rental_value", state: "fails", title: t("Vermarktungsart „Miete“ vorhanden"), seen: t("kein „miete“"), meaning: t("findet keine Vermietungen"), todo: t("Support fragen") },
      ],
    };
    backend({
      connection_status: () => ({ mode: "account", label: "Firma", api_url: "" }),
      run_audit: () => view,
      check_connection: () => diagnosis,
      save_diagnosis: () => "/tmp/diagnose.json",
    });
    render(App);
    expect((await screen.findByTestId("incomplete")).textContent).toContain("unvollständig");
    expect(screen.getByTestId("dns-not-checked").textContent).toContain("Bei 2 Postfächern");
    await fireEvent.click(screen.getByTestId("tab-settings"));
    await fireEvent.click(screen.getByTestId("check-connection"));
    const list = await screen.findByTestId("assumptions");
    expect(list.textContent).toContain("in Ordnung:");
    expect(list.textContent).toContain("Problem:");
    expect(list.textContent).toContain("Support fragen");
    await fireEvent.click(screen.getByTestId("save-diagnosis"));
    expect(await screen.findByText("Diagnose gespeichert: /tmp/diagnose.json")).toBeTruthy();
    expect(called("save_diagnosis")[0].args.fileName).toMatch(/^agent-check-diagnose-\d{2}\.\d{2}\.\d{4}\.json$/);
  });
});

describe("finish line", () => {
  it("splits what is left: the app's part reaches zero, onOffice's and the re-transfers are named", async () => {
    const transfer = { ...noContact, kind: "estate.portal_transfer_pending" as const, resolution: external.resolution };
    let view = auditView();
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => view });
    render(App);
    // Every number from the engine's model: the header's part and the button say the same.
    const appPart = await screen.findByTestId("left-in-app");
    expect(appPart.getAttribute("data-count")).toBe("2");
    expect(appPart.textContent?.trim()).toBe("2 Änderungen schreibt Agent-Check mit einem Klick");
    expect(screen.getByTestId("fix-all").getAttribute("data-count")).toBe("2");
    expect(screen.getByTestId("fix-all").textContent?.trim()).toBe("Alle beheben (2)");
    expect(screen.getByTestId("left-in-onoffice").getAttribute("data-count")).toBe("1");
    expect(screen.getByTestId("left-in-onoffice").textContent).toContain("nur in onOffice zu lösen");
    expect(screen.getByTestId("left-in-onoffice").textContent).toContain("(");
    expect(screen.getByTestId("left-transfers").getAttribute("data-count")).toBe("0");
    expect(screen.queryByTestId("all-done")).toBeNull();
    view = auditView([external, transfer]);
    await fireEvent.click(screen.getByTestId("recheck"));
    // The app's part is done, said with its scope; "Alles erledigt" is not said while other parts are open.
    await waitFor(() => expect(screen.getByTestId("left-in-app").textContent?.trim()).toBe("Was Agent-Check selbst ändern kann: erledigt ✓"));
    expect(screen.queryByTestId("fix-all")).toBeNull();
    expect(screen.queryByTestId("all-done")).toBeNull();
    expect(document.body.textContent).not.toContain("Alles erledigt");
    expect(screen.getByTestId("left-transfers").getAttribute("data-count")).toBe("1");
    expect(screen.getByTestId("left-transfers").textContent).toContain("neu an die Portale übertragen");
    expect(called("run_audit").at(-1)!.args).toEqual({ recheck: true });
    // The legend says what the symbols shown mean, from the same rule as the rows; each cell says it in words.
    const legend = screen.getByTestId("legend");
    expect(legend.querySelector('[data-legend="red"]')?.textContent).toContain("mindestens ein Problem");
    expect(legend.querySelector('[data-legend="problem"]')?.textContent).toContain("Problem");
    expect(screen.getAllByTestId("user-row")[0].getAttribute("data-light")).toBe("red");
    view = auditView([]);
    await fireEvent.click(screen.getByTestId("recheck"));
    await waitFor(() => expect(screen.getByTestId("all-done").textContent).toContain("Alles erledigt"));
    expect(screen.getAllByTestId("user-row")[0].textContent).toContain("Problem: „Makler“ fehlt");
  });
});

describe("listings", () => {
  it("says which point of a not-ready first contact is open and goes to that user", async () => {
    const view = auditView([notMakler]);
    view.report.listings = [
      {
        ...view.report.listings[0],
        first_contact: "Thomas Lehmann",
        first_contact_id: 1002,
        findings: ["estate.contact_not_ready"],
      },
    ];
    view.report.findings.push({
      ...noContact,
      kind: "estate.contact_not_ready",
      seen: { de: "Erster Makler-Ansprechpartner „Thomas Lehmann“ ist nicht bereit: Kontaktart „Makler“ fehlt.", en: "x" },
      resolution: external.resolution,
    });
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => view });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-listings"));
    expect((await screen.findByTestId("listing-row")).textContent).toContain("ist nicht bereit: Kontaktart „Makler“ fehlt");
    await fireEvent.click(screen.getByTestId("show-user"));
    // The users tab, with that user's row opened on its finding.
    expect(await screen.findByTestId("finding-user.not_makler")).toBeTruthy();
  });
});

describe("mail booking", () => {
  const unconfirmed = {
    kind: "user.mail_booking_unconfirmed" as const,
    subject: "address:1002" as const,
    subject_label: "Thomas Lehmann",
    severity: "warning" as const,
    title: { de: "Mailverbuchung nicht bestätigt", en: "x" },
    seen: { de: "Ob für thomas@isar-wohnwerte.de die automatische Mailverbuchung aktiv ist, lässt sich nicht lesen.", en: "x" },
    expected: { de: "Blauer Haken gesetzt und hier bestätigt.", en: "x" },
    resolution: { type: "manual" as const, click_path: { de: "Extras > Einstellungen", en: "x" }, steps: [], support: null, help_url: null },
  };
  function withMailboxes() {
    const view = auditView([unconfirmed]);
    const m = view.report.mailboxes[0];
    view.report.mailboxes = [
      m,
      {
        ...m,
        email: "julia@isar-hausverwaltung.de",
        kind: { kind: "microsoft365_behind_filter", gateway: "Hornetsecurity", mx: ["mx01.hornetsecurity.com"] },
        addresses: [1003],
        names: ["Julia Meier"],
      },
      { ...m, email: "leon@gmx.de", kind: { kind: "external", provider: "GMX" }, addresses: [1004], names: ["Leon Krause"], verdict: { verdict: "external" } },
    ];
    return view;
  }

  it("confirms several mailboxes from one list with one click, and asks nothing of an external one", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => withMailboxes(),
      confirm_mail_booking: () => withMailboxes(),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-mail"));
    const ticks = await screen.findAllByTestId("mail-tick");
    expect(ticks.length).toBe(2);
    const rows = screen.getAllByTestId("mailbox");
    // Microsoft 365 behind a filtering gateway can have mail booking: it is asked like Microsoft 365.
    expect(rows[1].textContent).toContain("Microsoft 365 (hinter einem Filter: Hornetsecurity)");
    expect(rows[1].querySelector("input")).not.toBeNull();
    expect(rows[2].textContent).toContain("keinen Haken zu setzen");
    expect(rows[2].querySelector("input")).toBeNull();
    expect((screen.getByTestId("mail-confirm") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("mail-all"));
    expect(screen.getByTestId("mail-confirm").textContent).toBe("Bestätigen (2)");
    const audits = called("run_audit").length;
    await fireEvent.click(screen.getByTestId("mail-confirm"));
    await waitFor(() => expect(called("confirm_mail_booking").length).toBe(1));
    expect(called("confirm_mail_booking")[0].args).toEqual({
      emails: ["thomas@isar-wohnwerte.de", "julia@isar-hausverwaltung.de"],
      confirmed: true,
    });
    // One call for all; it answers with the checklist, so no new check of the whole account.
    expect(called("run_audit").length).toBe(audits);
  });

  it("asks nothing of a mailbox whose enquiries the Maklerbuch shows booked, and says when one is silent", async () => {
    const view = withMailboxes();
    const [thomas, julia] = view.report.mailboxes;
    view.report.mailboxes = [
      { ...thomas, evidence: { verdict: "booked", count: 14, last: "2026-11-28" }, verdict: { verdict: "booked" } },
      { ...julia, evidence: { verdict: "silent", listings: 2, days: 61 }, verdict: { verdict: "sign", confirmed: null } },
      view.report.mailboxes[2],
    ];
    let confirmed = false;
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => view,
      confirm_mail_booking: () => {
        confirmed = true;
        const after = structuredClone(view);
        after.report.mailboxes[1].verdict = { verdict: "confirmed_despite_sign", date: "2026-12-05", until: "2026-12-18" };
        after.report.mailboxes[1].confirmed = "2026-12-05";
        return after;
      },
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-mail"));
    // A sign comes first (it waits for the person), then the rest; each card found by its mailbox.
    let rows = await screen.findAllByTestId("mailbox");
    expect(rows[0].textContent).toContain("julia@");
    const byMail = (r: HTMLElement[]) => [r.find((x) => x.textContent?.includes("thomas@"))!, r.find((x) => x.textContent?.includes("julia@"))!];
    rows = byMail(rows);
    expect(rows[0].textContent).toContain("Anfragen werden verbucht: 14 in 30 Tagen, zuletzt am 28.11.2026");
    expect(rows[0].querySelector("input")).toBeNull();
    // One verdict per card: the sign, and no tick in the bulk list ("Alle auswählen" cannot confirm it).
    expect(screen.getAllByTestId("mailbox").every((r) => r.querySelectorAll('[data-testid="mail-verdict"]').length === 1)).toBe(true);
    expect(rows[1].textContent).toContain("Anzeichen");
    expect(rows[1].textContent).toContain("bis zu 61 Tage");
    expect(rows[1].querySelector("input")).toBeNull();
    expect(screen.queryAllByTestId("mail-tick").length).toBe(0);
    // Confirmed on its own, with what happens next; then the card says that, not the sign as well.
    await fireEvent.click(screen.getByTestId("mail-despite-open"));
    expect(screen.getByTestId("mail-despite").textContent).toContain("erscheint das Anzeichen wieder");
    await fireEvent.click(screen.getByTestId("mail-despite-yes"));
    await waitFor(() => expect(confirmed).toBe(true));
    rows = byMail(await screen.findAllByTestId("mailbox"));
    await waitFor(() => expect(rows[1].getAttribute("data-verdict")).toBe("confirmed_despite_sign"));
    expect(rows[1].textContent).toContain("trotz Anzeichen");
    expect(rows[1].textContent).toContain("18.12.2026");
    expect(rows[1].textContent).not.toContain("Wahrscheinlich fehlt");
  });

  it("confirms the blue tick from inside the user's finding", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => withMailboxes(),
      confirm_mail_booking: () => withMailboxes(),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("user-row"));
    await fireEvent.click(await screen.findByTestId("finding-tick-set"));
    await waitFor(() => expect(called("confirm_mail_booking").length).toBe(1));
    expect(called("confirm_mail_booking")[0].args).toEqual({ emails: ["thomas@isar-wohnwerte.de"], confirmed: true });
  });
});

describe("opening things outside the app", () => {
  it("shows the mail to copy when no mail program opens, never a raw error or a success banner", async () => {
    vi.mocked(openUrl).mockRejectedValueOnce(new Error("No application is associated with mailto"));
    const quota = {
      to: "",
      subject: "Kontingent für die automatische Mailverbuchung",
      body: "Guten Tag,\n\nwir möchten für das Postfach thomas@isar-wohnwerte.de die automatische Mailverbuchung aktivieren.",
    };
    const unconfirmed = {
      ...notMakler,
      kind: "user.mail_booking_unconfirmed" as const,
      resolution: { type: "manual" as const, click_path: { de: "x", en: "x" }, steps: [], support: quota, help_url: null },
    };
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => auditView([unconfirmed]) });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-mail"));
    await fireEvent.click(await screen.findByText("Ich kann den Haken nicht setzen"));
    await fireEvent.click(screen.getByText(/vertrieblichen Ansprechpartner|Vertrieb/, { selector: "button" }));
    const panel = await screen.findByTestId("outside");
    expect(panel.getAttribute("role")).toBe("alert");
    expect(panel.textContent).toContain("kein E-Mail-Programm");
    expect(panel.textContent).toContain("Ihr vertrieblicher Ansprechpartner bei onOffice");
    expect(panel.textContent).toContain("Kontingent für die automatische Mailverbuchung");
    expect(screen.getByTestId("outside-body").textContent).toContain("thomas@isar-wohnwerte.de");
    expect(panel.textContent).not.toContain("No application");
    expect(document.querySelector(".notice")).toBeNull();
    expect(screen.getByTestId("copy-mail")).toBeTruthy();
  });
});

describe("start, settings and leaving", () => {
  it("starts the demo with one click and audits it", async () => {
    backend({ start_demo: () => ({ mode: "demo", label: "Demo: Isar Wohnwerte GmbH", api_url: "" }) });
    render(App);
    await fireEvent.click(await screen.findByTestId("go-demo"));
    expect(await screen.findByTestId("demo-banner")).toBeTruthy();
    await screen.findByTestId("summary");
    expect(called("start_demo").length).toBe(1);
    expect(called("run_audit").length).toBe(1);
  });

  it("switches the language, and the page's lang with it", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      set_language: (args) => ({ language: args.language, makler_key: null, mail_booking: {} }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-settings"));
    await fireEvent.click(screen.getByText("English"));
    expect(called("set_language")[0].args).toEqual({ language: "en" });
    expect(screen.getByTestId("tab-users").textContent?.trim()).toBe("System users");
    expect(document.documentElement.lang).toBe("en");
    await fireEvent.click(screen.getByText("Deutsch"));
    expect(document.documentElement.lang).toBe("de");
  });

  it("resets a chosen Makler value and checks again", async () => {
    const view = auditView();
    view.report.makler = { status: "chosen", key: "Vermittler", label: "Vermittler" };
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => view,
      choose_makler_key: () => undefined,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-settings"));
    expect(await screen.findByText(/Gewählt: „Vermittler“/)).toBeTruthy();
    await fireEvent.click(screen.getByText("Auswahl zurücksetzen"));
    await waitFor(() => expect(called("choose_makler_key")[0]?.args).toEqual({ key: null }));
    await waitFor(() => expect(called("run_audit").length).toBe(2));
  });

  it("closes the account and is back at the start, where the account stays listed", async () => {
    const listed = { accounts: [account("a1", "Isar Wohnwerte GmbH", true)], total: 1, removed: [], notes: [] };
    backend({
      connection_status: () => ({ mode: "account", label: "Isar Wohnwerte GmbH", api_url: "https://api.onoffice.de/api/stable/api.php", account_id: "a1", said: null }),
      list_accounts: () => listed,
      disconnect: () => ({ mode: "none", label: "", api_url: "", account_id: null, said: null }),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-settings"));
    await fireEvent.click(screen.getByTestId("disconnect"));
    expect(await screen.findByTestId("go-connect")).toBeTruthy();
    expect(called("disconnect").length).toBe(1);
    expect(screen.getByTestId("start-account").textContent).toBe("Isar Wohnwerte GmbH");
  });
});

function account(id: string, name: string, current = false, missing = false) {
  return { id, name, api_url: "https://api.onoffice.de/api/stable/api.php", current, watched: true, credentials_missing: missing };
}

describe("several accounts", () => {
  const names = ["Isar Wohnwerte München", "Nordlicht Immobilien", "Müller & Söhne", "Alpen Wohnbau", "Rhein Haus", "Elbe Living", "Spree Stadt", "Main Ufer"];
  const view = (current: string) => ({
    accounts: names.map((n, i) => account(`a${i}`, n, `a${i}` === current, i === 2)),
    total: names.length,
    removed: [{ id: "old", name: "Alte GmbH", removed_at: "2026-11-30T10:00:00Z" }],
    notes: [],
  });
  const status = (id: string) => ({ mode: "account", label: names[Number(id.slice(1))], api_url: "https://api.onoffice.de/api/stable/api.php", account_id: id, said: null });

  it("switches in one click from the header, with a search among many", async () => {
    let current = "a0";
    backend({
      connection_status: () => status(current),
      list_accounts: () => view(current),
      switch_account: (a) => {
        current = a.id as string;
        return status(current);
      },
      run_audit: () => ({ ...auditView(), account: names[Number(current.slice(1))] }),
    });
    render(App);
    await screen.findByTestId("summary");
    expect(screen.getByTestId("connected-as").textContent).toBe("verbunden als Isar Wohnwerte München");
    await fireEvent.click(screen.getByTestId("account-switcher"));
    expect(screen.getAllByTestId("account-option").length).toBe(8);
    expect(screen.getByText("Zugangsdaten fehlen")).toBeTruthy();
    await fireEvent.input(screen.getByTestId("account-search"), { target: { value: "nordlicht" } });
    const options = screen.getAllByTestId("account-option");
    expect(options.length).toBe(1);
    await fireEvent.click(options[0]);
    await waitFor(() => expect(called("switch_account")[0]?.args).toEqual({ id: "a1" }));
    await waitFor(() => expect(called("run_audit").length).toBe(2));
    await waitFor(() => expect(screen.getByTestId("connected-as").textContent).toBe("verbunden als Nordlicht Immobilien"));
    // The search also finds "Müller" when typed without the umlaut, and Escape closes the list.
    await fireEvent.click(screen.getByTestId("account-switcher"));
    await fireEvent.input(screen.getByTestId("account-search"), { target: { value: "mueller" } });
    expect(screen.getAllByTestId("account-option")[0].textContent).toContain("Müller & Söhne");
    await fireEvent.keyDown(screen.getByTestId("account-panel"), { key: "Escape" });
    expect(screen.queryByTestId("account-panel")).toBeNull();
  });

  it("says why a switch is refused while a fix is written and stays on the account", async () => {
    backend({
      connection_status: () => status("a0"),
      list_accounts: () => view("a0"),
      switch_account: () => {
        throw { code: "conflict", message: "Gerade werden Änderungen in onOffice geschrieben. Bitte warten, bis sie fertig sind, dann das Konto wechseln.", message_en: "" };
      },
    });
    render(App);
    await screen.findByTestId("summary");
    await fireEvent.click(screen.getByTestId("account-switcher"));
    await fireEvent.click(screen.getAllByTestId("account-option")[1]);
    expect((await screen.findByTestId("error")).textContent).toContain("Bitte warten");
    expect(screen.getByTestId("connected-as").textContent).toBe(`verbunden als ${auditView().account}`);
    expect(called("run_audit").length).toBe(1);
  });

  it("removes an account after asking, keeping its history unless the person unticks it, and shows kept history", async () => {
    backend({
      connection_status: () => status("a0"),
      list_accounts: () => view("a0"),
      remove_account: () => view("a0"),
      rename_account: () => view("a0"),
      removed_history: () => history.map((h) => ({ ...h, undoable: false })),
    });
    render(App);
    await screen.findByTestId("summary");
    await fireEvent.click(screen.getByTestId("tab-settings"));
    const rows = await screen.findAllByTestId("account-row");
    expect(rows.length).toBe(8);
    await fireEvent.click(screen.getAllByTestId("remove-account")[1]);
    expect(screen.getByText(/„Nordlicht Immobilien“ aus der App entfernen\?/)).toBeTruthy();
    const keep = screen.getByTestId("keep-history") as HTMLInputElement;
    expect(keep.checked).toBe(true);
    await fireEvent.click(screen.getByTestId("remove-account-yes"));
    await waitFor(() => expect(called("remove_account")[0]?.args).toEqual({ id: "a1", keepHistory: true }));
    await waitFor(() => expect(screen.queryByTestId("keep-history")).toBeNull());
    await fireEvent.click(screen.getAllByTestId("remove-account")[2]);
    await fireEvent.click(screen.getByTestId("keep-history"));
    await fireEvent.click(screen.getByTestId("remove-account-yes"));
    await waitFor(() => expect(called("remove_account")[1]?.args).toEqual({ id: "a2", keepHistory: false }));
    // Renaming with Enter.
    await fireEvent.click(screen.getAllByTestId("account-rename")[0]);
    const name = screen.getByTestId("account-name") as HTMLInputElement;
    await fireEvent.input(name, { target: { value: "Isar Wohnwerte" } });
    await fireEvent.keyDown(name, { key: "Enter" });
    await waitFor(() => expect(called("rename_account")[0]?.args).toEqual({ id: "a0", name: "Isar Wohnwerte" }));
    // The removed account's history, readable without undo.
    await fireEvent.click(screen.getByTestId("removed-history"));
    expect((await screen.findAllByTestId("removed-history-item")).length).toBe(history.length);
    expect(screen.queryByTestId("undo")).toBeNull();
  });
});

describe("about and updates", () => {
  it("shows the version, says when it is current, installs a newer one and restarts", async () => {
    let offer: unknown = null;
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      "plugin:updater|check": () => offer,
      "plugin:updater|download_and_install": () => undefined,
      "plugin:process|restart": () => undefined,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-settings"));
    await waitFor(() => expect(screen.getByTestId("app-version").textContent).toBe("Version 0.1.0"));
    await fireEvent.click(screen.getByTestId("check-updates"));
    expect((await screen.findByTestId("update-none")).textContent).toBe("Sie haben die neueste Version.");
    expect(called("plugin:updater|download_and_install")).toHaveLength(0);
    offer = { rid: 7, currentVersion: "0.1.0", version: "0.2.0", date: null, body: "Neu: Bericht als PDF", rawJson: {} };
    await fireEvent.click(screen.getByTestId("check-updates"));
    expect((await screen.findByTestId("update-available")).textContent).toBe("Version 0.2.0 ist verfügbar.");
    expect(screen.getByText("Neu: Bericht als PDF")).toBeTruthy();
    await fireEvent.click(screen.getByTestId("install-update"));
    await waitFor(() => expect(called("plugin:process|restart")).toHaveLength(1));
    expect(called("plugin:updater|download_and_install")[0].args.rid).toBe(7);
  });

  it("says in German when the update server cannot be reached, and installs nothing", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      "plugin:updater|check": () => {
        throw new Error("error sending request for url (https://github.com/...)");
      },
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-settings"));
    await fireEvent.click(screen.getByTestId("check-updates"));
    const e = await screen.findByTestId("update-error");
    expect(e.textContent).toContain("Die Suche nach Updates hat nicht geklappt");
    expect(e.textContent).not.toContain("error sending");
    expect(screen.queryByTestId("install-update")).toBeNull();
  });
});

vi.mock("@tauri-apps/plugin-opener", () => ({ openUrl: vi.fn(async () => undefined) }));

describe("watching", () => {
  const watchView = (over: Record<string, unknown> = {}) => ({
    schedule: { enabled: false, days: [1, 2, 3, 4, 5], time: "08:00" },
    offered: false,
    auto_assign: false,
    last_run: null,
    next_run: null,
    news: [],
    regressed: [],
    seen_at: null,
    last_outcome: null,
    said: null,
    ...over,
  });

  it("offers watching once when the app's part is done, and says yes in one click", async () => {
    let watch = watchView();
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => auditView([external]),
      watch_status: () => watch,
      set_watch: (a) => (watch = watchView({ schedule: a.schedule, offered: true, next_run: "2026-12-02T08:00:00" })),
    });
    render(App);
    expect((await screen.findByTestId("watch-offer")).textContent).toContain("jeden Werktag um 8:00");
    await fireEvent.click(screen.getByTestId("watch-offer-yes"));
    await waitFor(() => expect(screen.queryByTestId("watch-offer")).toBeNull());
    expect(called("set_watch")[0].args).toEqual({ schedule: { enabled: true, days: [1, 2, 3, 4, 5], time: "08:00" } });
  });

  it("does not offer while the app still has something to do, nor after the person said no", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => auditView(),
      watch_status: () => watchView(),
    });
    render(App);
    await screen.findByTestId("summary");
    expect(screen.queryByTestId("watch-offer")).toBeNull();
    cleanup();
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => auditView([external]),
      watch_status: () => watchView({ offered: true }),
    });
    render(App);
    await screen.findByTestId("summary");
    expect(screen.queryByTestId("watch-offer")).toBeNull();
  });

  it("shows what is new since the person last looked first, each with its fix, until seen", async () => {
    let watch = watchView({ offered: true, news: [{ kind: noContact.kind, subject: noContact.subject }], seen_at: "2026-11-30T07:00:00Z" });
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => auditView(),
      watch_status: () => watch,
      watch_seen: () => (watch = watchView({ offered: true, seen_at: "2026-12-01T07:00:00Z" })),
    });
    render(App);
    const news = await screen.findByTestId("watch-news");
    expect(news.textContent).toMatch(/Neu seit 30\.11\.2026/);
    expect(news.querySelectorAll('[data-testid="finding-estate.no_contact"]').length).toBe(1);
    expect(news.querySelector('[data-testid="fix-one"]')).not.toBeNull();
    await fireEvent.click(screen.getByTestId("watch-seen"));
    await waitFor(() => expect(screen.queryByTestId("watch-news")).toBeNull());
    expect(called("watch_seen").length).toBe(1);
  });

  it("sets days and time, explains the standing rule before switching it on, and lets a demo day pass", async () => {
    let watch = watchView({ offered: true, schedule: { enabled: true, days: [1, 2, 3, 4, 5], time: "08:00" }, next_run: "2026-12-02T08:00:00" });
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => auditView(),
      watch_status: () => watch,
      set_watch: (a) => (watch = watchView({ ...watch, schedule: a.schedule })),
      set_auto_assign: (a) => (watch = watchView({ ...watch, auto_assign: a.on })),
      demo_advance: () => (watch = watchView({ ...watch, said: { de: "2 neue Vermietungsobjekte ohne Ansprechpartner", en: "x" } })),
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-settings"));
    await waitFor(() => expect(screen.getByTestId("watch-state").textContent).toMatch(/Nächste Prüfung: 02\.12\.2026, 08:00/));
    await fireEvent.click(screen.getByTestId("watch-day-5"));
    await waitFor(() => expect(called("set_watch").length).toBe(1));
    expect(called("set_watch")[0].args).toEqual({ schedule: { enabled: true, days: [1, 2, 3, 4], time: "08:00" } });
    await fireEvent.change(screen.getByTestId("watch-time"), { target: { value: "07:30" } });
    await waitFor(() => expect(called("set_watch").length).toBe(2));
    expect((called("set_watch")[1].args.schedule as { time: string }).time).toBe("07:30");
    // The rule: first the plain explanation, then on.
    await fireEvent.click(screen.getByTestId("watch-rule-on-ask"));
    expect(screen.getByTestId("watch-rule-explain").textContent).toContain("nie eine entfernt");
    expect(called("set_auto_assign").length).toBe(0);
    await fireEvent.click(screen.getByTestId("watch-rule-confirm"));
    await screen.findByTestId("watch-rule-on");
    expect(called("set_auto_assign")[0].args).toEqual({ on: true });
    // A demo day: the check says what is new, and the checklist follows.
    const audits = called("run_audit").length;
    await fireEvent.click(screen.getByTestId("demo-advance"));
    expect(await screen.findByText("2 neue Vermietungsobjekte ohne Ansprechpartner")).toBeTruthy();
    await waitFor(() => expect(called("run_audit").length).toBe(audits + 1));
  });

  it("marks the standing rule's changes as automatic in the history", async () => {
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      fix_history: () => [{ ...history[0], label: "Helle Wohnung (M-1) · automatisch", automatic: true }],
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-history"));
    expect((await screen.findByTestId("history-automatic")).textContent).toBe("automatisch");
    expect(screen.getByTestId("history-item").textContent).toContain("Helle Wohnung (M-1): ");
  });
});

describe("answers", () => {
  const sign = (de: string) => ({ de, en: de });
  it("says each mailbox's answers", async () => {
    const view = auditView();
    view.report.mailboxes[0].answers = {
      rate: { enquiries: 44, answered: 41, median_minutes: 4 },
      sign: false,
      said: sign("beantwortet: 41 von 44 in 30 Tagen, meist nach 4 Minuten"),
    };
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => view });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-mail"));
    expect((await screen.findByTestId("mail-answers")).textContent).toContain("beantwortet: 41 von 44 in 30 Tagen, meist nach 4 Minuten");
    expect(screen.queryByTestId("answers-note")).toBeNull();
  });

  it("says in one plain sentence where the account does not show the agent's answers, and no rate", async () => {
    const hidden = auditView();
    hidden.report.answers_note = sign("Die Antworten des Mietagenten sind im Maklerbuch dieses Kontos nicht zu sehen.");
    backend({ connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }), run_audit: () => hidden });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-mail"));
    expect((await screen.findByTestId("answers-note")).textContent).toContain("nicht zu sehen");
    expect(screen.queryAllByTestId("mail-answers").length).toBe(0);
  });

  it("finds a listing by its number and reads out its whole chain; an unanswered one opens it in one click", async () => {
    const view = auditView();
    const seen = sign("3 verbuchte Anfragen seit dem 23.11.2026 haben im Maklerbuch keine Antwort");
    view.report.findings.push({
      kind: "estate.enquiries_unanswered",
      subject: "estate:2001",
      subject_label: "Dachgeschoss in Köln (M-10001)",
      severity: "error",
      title: sign("Anfragen offenbar ohne Antwort"),
      seen,
      expected: sign(""),
      resolution: { type: "manual", click_path: sign("Im Mietagenten"), steps: [], support: null, help_url: null },
    });
    view.report.listings.push({ ...view.report.listings[0], estate_id: 2001, title: "Dachgeschoss in Köln", external_no: "M-10001", findings: ["estate.enquiries_unanswered"] });
    const chain = {
      estate_id: 2001,
      label: "Dachgeschoss in Köln (M-10001)",
      sections: [
        { title: sign("Ansprechpartner für die Portale"), lines: [sign("Jonas Fischer (Systembenutzer)")] },
        { title: sign("Verbuchte Anfragen (30 Tage)"), lines: [sign("01.12.2026 17:00 – keine Antwort im Maklerbuch")] },
      ],
    };
    backend({
      connection_status: () => ({ mode: "demo", label: "Demo", api_url: "" }),
      run_audit: () => view,
      search_listings: ({ query }) => (String(query).includes("10001") ? [{ estate_id: 2001, label: "Dachgeschoss in Köln (M-10001)" }] : []),
      explain_listing: () => chain,
    });
    render(App);
    await fireEvent.click(await screen.findByTestId("tab-listings"));
    expect((await screen.findByTestId("unanswered-row")).textContent).toContain("keine Antwort");
    await fireEvent.input(screen.getByTestId("chain-query"), { target: { value: "M-10001" } });
    await fireEvent.click(await screen.findByTestId("chain-hit"));
    const shown = await screen.findByTestId("chain");
    expect(shown.textContent).toContain("Jonas Fischer (Systembenutzer)");
    expect(shown.textContent).toContain("keine Antwort im Maklerbuch");
    expect(called("explain_listing")[0].args).toEqual({ estate: 2001 });
    await fireEvent.input(screen.getByTestId("chain-query"), { target: { value: "Nirgendwo" } });
    expect((await screen.findByTestId("chain-none")).textContent).toContain("Kein aktives Vermietungsobjekt");
    // From the unanswered listing straight to its chain.
    await fireEvent.click(screen.getByText("Schließen"));
    await fireEvent.click(screen.getByTestId("show-chain"));
    await waitFor(() => expect(called("explain_listing").length).toBe(2));
    expect((await screen.findByTestId("chain")).textContent).toContain("Dachgeschoss in Köln");
  });
});
