// The UI's state: connection, the last checklist, progress, errors and the fix dialog. Components read it and call
// its actions; all backend calls go through `api`.
import { api, asAppError, type FleetProgress } from "./api";
import { pick, translate, type Locale, type MessageKey } from "./i18n";
import { openUrl } from "@tauri-apps/plugin-opener";
import type { AccountsView, FleetView, AppError, AuditView, ConnectionStatus, FindingRef, FixPlan, ItemResult, PlanChoices, Progress, SupportMail, Text, WatchView } from "../bindings";

export type Tab = "users" | "listings" | "mail" | "history" | "settings";

export interface FixDialog {
  /** Findings offered, and which of them are ticked. */
  offered: FindingRef[];
  ticked: Set<string>;
  choices: PlanChoices;
  plan: FixPlan | null;
  planTicked: Set<number>;
  results: ItemResult[] | null;
  confirming: boolean;
}

export const refKey = (r: FindingRef) => `${r.kind}|${r.subject}`;

/** A link or mail that no program on this PC opened: shown in the app to copy instead. */
export interface Outside {
  url: string;
  mail: SupportMail | null;
}

export function mailtoUrl(m: SupportMail): string {
  return `mailto:${m.to}?subject=${encodeURIComponent(m.subject)}&body=${encodeURIComponent(m.body)}`;
}

class AppStore {
  locale: Locale = $state("de");
  status: ConnectionStatus = $state({ mode: "none", label: "", api_url: "", account_id: null, said: null });
  screen: "start" | "connect" | "main" | "fleet" = $state("start");
  /** "Alle Konten", and where "Jetzt alle prüfen" is. */
  fleet: FleetView | null = $state(null);
  fleetProgress: FleetProgress | null = $state(null);
  tab: Tab = $state("users");
  view: AuditView | null = $state(null);
  progress: Progress | null = $state(null);
  busy = $state(false);
  error: AppError | null = $state(null);
  notice: string | null = $state(null);
  /** The background watch: its settings and the "Neu seit …" list. */
  watch: WatchView | null = $state(null);
  dialog: FixDialog | null = $state(null);
  outside: Outside | null = $state(null);
  /** The accounts this app holds (the header's switcher, Einstellungen › Konten). */
  accounts: AccountsView | null = $state(null);
  /** A system user to show opened in the checklist (from a listing whose first contact is not ready). */
  focusUser: number | null = $state(null);

  showUser(address: number) {
    this.focusUser = address;
    this.tab = "users";
  }
  historyVersion = $state(0);

  t = (key: MessageKey, vars: Record<string, string | number> = {}) => translate(this.locale, key, vars);
  tx = (text: Text) => pick(this.locale, text);
  errorText = (e: AppError) => (this.locale === "en" ? e.message_en : e.message);

  async init() {
    try {
      const settings = await api.getSettings();
      this.locale = settings.language === "en" ? "en" : "de";
      document.documentElement.lang = this.locale;
      const status = await api.connectionStatus();
      await this.loadAccounts();
      // What the start found wrong with the saved accounts (a damaged list) is said once.
      if (this.accounts?.notes.length) this.notice = this.accounts.notes.map((n) => this.tx(n)).join(" ");
      // A click on "Demo ansehen" while this was loading wins.
      if (this.status.mode !== "none") return;
      this.status = status;
      if (this.status.mode !== "none") {
        this.screen = "main";
        await this.audit();
      }
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  /** Opens a link or a mail in the PC's browser or mail program; if none opens, the app shows it to copy. */
  async openOutside(url: string, mail: SupportMail | null = null) {
    this.outside = null;
    try {
      await openUrl(url);
    } catch {
      this.outside = { url, mail };
    }
  }


  async setLocale(locale: Locale) {
    this.locale = locale;
    document.documentElement.lang = locale;
    await api.setLanguage(locale).catch(() => undefined);
  }

  async startDemo() {
    await this.run(async () => {
      this.status = await api.startDemo();
      this.screen = "main";
      this.tab = "users";
    });
    if (this.status.mode === "demo") await this.audit();
  }

  async connected(status: ConnectionStatus) {
    this.status = status;
    this.screen = "main";
    this.tab = "users";
    this.view = null;
    if (status.said) this.notice = this.tx(status.said);
    await this.loadAccounts();
    await this.audit();
  }

  async disconnect() {
    await this.run(async () => {
      this.status = await api.disconnect();
      this.view = null;
      this.screen = "start";
    });
    await this.loadAccounts();
  }

  /** "Alle Konten": the overview from each account's last check (it sends no request). */
  async openFleet() {
    await this.run(async () => {
      this.fleet = await api.fleetOverview();
      this.screen = "fleet";
    });
  }

  /** "Jetzt alle prüfen": the scheduled check of every watched account now, with progress; then the overview. */
  async checkAllAccounts() {
    const unlisten = await api.onFleetProgress((p) => (this.fleetProgress = p));
    try {
      await this.run(async () => {
        await api.watchCheckNow();
        this.fleet = await api.fleetOverview();
        this.notice = this.t("fleet.done");
      });
    } finally {
      this.fleetProgress = null;
      unlisten();
    }
  }

  /** One click from "Alle Konten" into an account's checklist. */
  async openFromFleet(id: string) {
    if (this.status.account_id === id) {
      this.screen = "main";
      return;
    }
    await this.switchAccount(id);
  }

  async loadAccounts() {
    this.accounts = await api.listAccounts().catch(() => this.accounts);
  }

  /** Opens another account in one click; refused (and said) while a fix is being written. */
  async switchAccount(id: string) {
    if (this.status.account_id === id) return;
    let switched = false;
    await this.run(async () => {
      const status = await api.switchAccount(id);
      this.status = status;
      this.view = null;
      this.dialog = null;
      this.screen = "main";
      this.tab = "users";
      switched = true;
    });
    await this.loadAccounts();
    if (switched) await this.audit();
  }

  async renameAccount(id: string, name: string) {
    await this.run(async () => {
      this.accounts = await api.renameAccount(id, name);
      if (this.status.account_id === id) this.status = { ...this.status, label: name.trim() };
      if (this.view && this.status.account_id === id) this.view = { ...this.view, account: name.trim() };
    });
  }

  async setAccountWatched(id: string, on: boolean) {
    await this.run(async () => {
      this.accounts = await api.setAccountWatched(id, on);
    });
  }

  async removeAccount(id: string, keepHistory: boolean) {
    const wasCurrent = this.status.account_id === id;
    await this.run(async () => {
      this.accounts = await api.removeAccount(id, keepHistory);
      if (wasCurrent) {
        this.status = { mode: "none", label: "", api_url: "", account_id: null, said: null };
        this.view = null;
        this.screen = "start";
      }
    });
  }

  /** Runs the audit with progress; the window stays responsive and "Abbrechen" stops it. `recheck`: the person asked. */
  async audit(recheck = false) {
    this.error = null;
    this.progress = { step: 0, of: 5, label: { de: "Verbinde …", en: "Connecting …" } };
    const unlisten = await api.onProgress((p) => (this.progress = p));
    try {
      this.view = await api.runAudit(recheck);
      // The header names the account as the audit found it (the company, not part of the token).
      this.status = { ...this.status, label: this.view.account };
      if (this.status.mode === "account") await this.loadAccounts();
      if (this.view.journal_notes.length) this.notice = this.view.journal_notes.map((n) => this.tx(n)).join(" ");
      this.watch = await api.watchStatus().catch(() => this.watch);
    } catch (e) {
      const err = asAppError(e);
      if (err.code !== "cancelled") this.error = err;
      else this.notice = this.t("audit.cancelled");
    } finally {
      this.progress = null;
      try {
        unlisten();
      } catch {
        // the listener is gone with the window anyway
      }
    }
  }

  /** A change of the watch's settings (or a check it ran); what it said, if anything, becomes the notice. */
  async watchDo(f: () => Promise<WatchView>) {
    await this.run(async () => {
      this.watch = await f();
      if (this.watch.said) this.notice = this.tx(this.watch.said);
    });
  }

  /** The demo's day passing: the account changes, the scheduled check tells what is new, the checklist follows. */
  async demoAdvance() {
    await this.watchDo(() => api.demoAdvance());
    await this.audit();
  }

  async cancelAudit() {
    await api.cancelAudit();
  }

  /** A confirmation only this PC knows of: the backend answers with the checklist again (no request to onOffice). */
  async confirm(f: () => Promise<AuditView>) {
    await this.run(async () => {
      this.view = await f();
    });
  }

  async run(f: () => Promise<void>) {
    this.busy = true;
    this.error = null;
    try {
      await f();
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      this.busy = false;
    }
  }

  /** Opens the fix dialog for these findings; `tickAll` only when the person picked a single finding. */
  openFix(offered: FindingRef[], tickAll: boolean, choices: PlanChoices = { emails: {}, contacts: {} }) {
    this.dialog = {
      offered,
      ticked: new Set(tickAll ? offered.map(refKey) : []),
      choices,
      plan: null,
      planTicked: new Set(),
      results: null,
      confirming: false,
    };
  }

  /** "Alle beheben": straight to the preview with every fix ticked (the preview is the safety, then one confirmation). */
  async fixAll(offered: FindingRef[]) {
    this.openFix(offered, true);
    await this.preview();
  }

  /** Plans the ticked findings; `keep`: planned again after a pick, so what the person unticked stays unticked. */
  async preview(keep = false) {
    const d = this.dialog;
    if (!d) return;
    const findings = d.offered.filter((r) => d.ticked.has(refKey(r)));
    const itemKey = (i: { kind: string; subject: string; op: { op: string } }) => `${i.kind}|${i.subject}|${i.op.op}`;
    const unticked = new Set(keep && d.plan ? d.plan.items.filter((i) => !d.planTicked.has(i.id)).map(itemKey) : []);
    await this.run(async () => {
      const plan = await api.planFixes({ findings, choices: d.choices });
      d.plan = plan;
      d.planTicked = new Set(plan.items.filter((i) => !unticked.has(itemKey(i))).map((i) => i.id));
      d.confirming = false;
    });
  }

  async apply() {
    const d = this.dialog;
    if (!d?.plan) return;
    // The write rounds and the check afterwards report progress like the audit does.
    const unlisten = await api.onProgress((p) => (this.progress = p));
    try {
      await this.run(async () => {
        const out = await api.applyFixes([...d.planTicked]);
        d.results = out.results;
        if (out.audit) this.view = out.audit;
        this.historyVersion++;
      });
    } finally {
      this.progress = null;
      try {
        unlisten();
      } catch {
        // the listener is gone with the window anyway
      }
    }
  }

  /** An undo a colleague's newer change stopped: the entry to offer "trotzdem rückgängig machen" for. */
  undoBlocked: number | null = $state(null);

  async undo(seq: number, force = false) {
    await this.run(async () => {
      const out = await api.undoChange(seq, force);
      if (out.audit) this.view = out.audit;
      this.notice = out.results.map((r) => `${r.label}: ${this.tx(r.message)}`).join(" · ");
      this.undoBlocked = !force && out.results.some((r) => r.outcome.outcome === "conflict") ? seq : null;
      this.historyVersion++;
    });
  }
}

export const app = new AppStore();
