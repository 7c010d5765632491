// The one place that talks to the Rust side. Components call these functions, never `invoke` directly. Command
// names are typed by `Command`, generated from the commands the Rust domains declare.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AccountsView,
  AppError,
  ApplyView,
  AuditView,
  Chain,
  Command,
  ConnectionStatus,
  ConnectionTest,
  CredentialsInput,
  Diagnosis,
  FixPlan,
  FleetView,
  HistoryItem,
  ListingHit,
  PlanRequest,
  Progress,
  ReportFormat,
  Schedule,
  SettingsData,
  WatchView,
} from "../bindings";

/** Which account "Jetzt alle prüfen" is at (1-based). */
export type FleetProgress = { at: number; of: number; name: string };

const call = <T>(command: Command, args?: Record<string, unknown>) => invoke<T>(command, args);

export const api = {
  connectionStatus: () => call<ConnectionStatus>("connection_status"),
  testConnection: (input: CredentialsInput) => call<ConnectionTest>("test_connection", { input }),
  connect: (input: CredentialsInput) => call<ConnectionStatus>("connect", { input }),
  startDemo: () => call<ConnectionStatus>("start_demo"),
  disconnect: () => call<ConnectionStatus>("disconnect"),
  /** The accounts, optionally only those whose name contains `query`. */
  listAccounts: (query = "") => call<AccountsView>("list_accounts", { query }),
  switchAccount: (id: string) => call<ConnectionStatus>("switch_account", { id }),
  renameAccount: (id: string, name: string) => call<AccountsView>("rename_account", { id, name }),
  setAccountWatched: (id: string, on: boolean) => call<AccountsView>("set_account_watched", { id, on }),
  /** Deletes the account's credentials; `keepHistory`: its journal stays readable under "Entfernte Konten". */
  removeAccount: (id: string, keepHistory: boolean) => call<AccountsView>("remove_account", { id, keepHistory }),
  removedHistory: (id: string) => call<HistoryItem[]>("removed_history", { id }),
  /** "Alle Konten": every account as its last check left it (no request to onOffice). */
  fleetOverview: () => call<FleetView>("fleet_overview"),
  checkConnection: () => call<Diagnosis>("check_connection"),
  /** Asks where with the save dialog; the path written, or null when the person cancelled. */
  saveDiagnosis: (fileName: string) => call<string | null>("save_diagnosis", { fileName }),
  /** `recheck`: the person asked for it ("Erneut prüfen"); "seit der letzten Prüfung" then starts from here. */
  runAudit: (recheck = false) => call<AuditView>("run_audit", { recheck }),
  cancelAudit: () => call<void>("cancel_audit"),
  chooseMaklerKey: (key: string | null) => call<void>("choose_makler_key", { key }),
  /** Confirms (or takes back) the blue tick of these mailboxes; the checklist again, without asking onOffice. */
  confirmMailBooking: (emails: string[], confirmed: boolean) => call<AuditView>("confirm_mail_booking", { emails, confirmed }),
  confirmTransfer: (estate: number) => call<AuditView>("confirm_transfer", { estate }),
  /** Active rentals of the last check by title or listing number (no request to onOffice). */
  searchListings: (query: string) => call<ListingHit[]>("search_listings", { query }),
  /** One listing's whole chain; reads its last portal transfer. */
  explainListing: (estate: number) => call<Chain>("explain_listing", { estate }),
  planFixes: (request: PlanRequest) => call<FixPlan>("plan_fixes", { request }),
  applyFixes: (items: number[]) => call<ApplyView>("apply_fixes", { items }),
  fixHistory: () => call<HistoryItem[]>("fix_history"),
  undoChange: (seq: number, force = false) => call<ApplyView>("undo_change", { seq, force }),
  /** Asks where with the save dialog (the HTML report then opens in the browser); the path, or null if cancelled. */
  exportReport: (format: ReportFormat, fileName: string, checkedAt: string) =>
    call<string | null>("export_report", { format, fileName, checkedAt }),
  getSettings: () => call<SettingsData>("get_settings"),
  setLanguage: (language: string) => call<SettingsData>("set_language", { language }),
  watchStatus: () => call<WatchView>("watch_status"),
  setWatch: (schedule: Schedule) => call<WatchView>("set_watch", { schedule }),
  declineWatch: () => call<WatchView>("decline_watch"),
  setAutoAssign: (on: boolean) => call<WatchView>("set_auto_assign", { on }),
  watchCheckNow: () => call<WatchView>("watch_check_now"),
  /** The person has seen the checklist: the "Neu seit …" list empties. */
  watchSeen: () => call<WatchView>("watch_seen"),
  /** The demo only: a day passes, then the scheduled check runs. */
  demoAdvance: () => call<WatchView>("demo_advance"),
  onProgress: (f: (p: Progress) => void): Promise<UnlistenFn> => listen<Progress>("audit-progress", (e) => f(e.payload)),
  /** While "Jetzt alle prüfen" goes from account to account. */
  onFleetProgress: (f: (p: FleetProgress) => void): Promise<UnlistenFn> =>
    listen<FleetProgress>("fleet-progress", (e) => f(e.payload)),
};

/** Errors from commands arrive as `{code, message, message_en}`; anything else becomes an "unknown" error. */
export function asAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as AppError;
  const text = String(e);
  return { code: "unknown", message: text, message_en: text };
}
