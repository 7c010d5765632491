// The one-picture rules over reports the engine made of many sandbox seeds and states (before and after "Alle
// beheben"; ui/src/test/reports, written by crates/audit/tests/left.rs): every tab of the main screen agrees with the
// model and with itself.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import App from "../App.svelte";
import { app } from "../lib/app.svelte";
import type { AuditReport, AuditView } from "../bindings";
import { pictureProblems } from "./picture";

const reports = import.meta.glob<AuditReport>("./reports/*.json", { eager: true, import: "default" });

function view(report: AuditReport): AuditView {
  return { report, account: "Demo", demo: true, checked_at: "2026-12-05T08:00:00Z", new_since_last: [], fixed_since_last: [], journal_notes: [] };
}

beforeEach(() => {
  app.screen = "start";
  app.tab = "users";
  app.view = null;
  app.dialog = null;
  app.status = { mode: "none", label: "", api_url: "", account_id: null, said: null };
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("one picture over many seeds", () => {
  it("has reports of many seeds and states", () => {
    expect(Object.keys(reports).length).toBeGreaterThanOrEqual(12);
  });
  for (const [name, report] of Object.entries(reports)) {
    it(`agrees with itself on every tab: ${name}`, async () => {
      mockIPC((cmd) => {
        const answers: Record<string, unknown> = {
          get_settings: { language: "de", makler_key: null, mail_booking: {} },
          connection_status: { mode: "demo", label: "Demo", api_url: "" },
          list_accounts: { accounts: [], total: 0, removed: [], notes: [] },
          run_audit: view(report),
          fix_history: [],
          watch_status: null,
        };
        if (!(cmd in answers)) throw new Error(`unexpected command ${cmd}`);
        return answers[cmd];
      }, { shouldMockEvents: true });
      render(App);
      await screen.findByTestId("finish-line");
      for (const tab of ["users", "listings", "mail"]) {
        await fireEvent.click(screen.getByTestId(`tab-${tab}`));
        expect(pictureProblems(document.body, report), `${name}, ${tab}`).toEqual([]);
      }
    });
  }
});
