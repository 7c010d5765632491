// The one place that talks to the Rust side. Components call these functions, never `invoke` directly.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { save } from "@tauri-apps/plugin-dialog";
import type {
  AppError,
  ApplyView,
  AuditView,
  ConnectionStatus,
  ConnectionTest,
  CredentialsInput,
  Diagnosis,
  FixPlan,
  HistoryItem,
  PlanRequest,
  Progress,
  ReportFormat,
  SettingsData,
} from "../bindings";

export const api = {
  /** The native save dialog: the path the person chose, or null. */
  askSavePath: (defaultPath: string, filterName: string, extension: string) =>
    save({ defaultPath, filters: [{ name: filterName, extensions: [extension] }] }),
  connectionStatus: () => invoke<ConnectionStatus>("connection_status"),
  testConnection: (input: CredentialsInput) => invoke<ConnectionTest>("test_connection", { input }),
  connect: (input: CredentialsInput) => invoke<ConnectionStatus>("connect", { input }),
  startDemo: () => invoke<ConnectionStatus>("start_demo"),
  disconnect: () => invoke<ConnectionStatus>("disconnect"),
  checkConnection: () => invoke<Diagnosis>("check_connection"),
  saveDiagnosis: (path: string) => invoke<string>("save_diagnosis", { path }),
  /** `recheck`: the person asked for it ("Erneut prüfen"); "seit der letzten Prüfung" then starts from here. */
  runAudit: (recheck = false) => invoke<AuditView>("run_audit", { recheck }),
  cancelAudit: () => invoke<void>("cancel_audit"),
  chooseMaklerKey: (key: string | null) => invoke<void>("choose_makler_key", { key }),
  confirmMailBooking: (email: string, confirmed: boolean) => invoke<void>("confirm_mail_booking", { email, confirmed }),
  confirmTransfer: (estate: number, label: string) => invoke<void>("confirm_transfer", { estate, label }),
  planFixes: (request: PlanRequest) => invoke<FixPlan>("plan_fixes", { request }),
  applyFixes: (items: number[]) => invoke<ApplyView>("apply_fixes", { items }),
  fixHistory: () => invoke<HistoryItem[]>("fix_history"),
  undoChange: (seq: number, force = false) => invoke<ApplyView>("undo_change", { seq, force }),
  exportTarget: (format: ReportFormat) => invoke<string | null>("export_target", { format }),
  exportReport: (format: ReportFormat, path: string, checkedAt: string) => invoke<string>("export_report", { format, path, checkedAt }),
  getSettings: () => invoke<SettingsData>("get_settings"),
  setLanguage: (language: string) => invoke<SettingsData>("set_language", { language }),
  onProgress: (f: (p: Progress) => void): Promise<UnlistenFn> => listen<Progress>("audit-progress", (e) => f(e.payload)),
};

/** Errors from commands arrive as `{code, message, message_en}`; anything else becomes an "unknown" error. */
export function asAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as AppError;
  const text = String(e);
  return { code: "unknown", message: text, message_en: text };
}
