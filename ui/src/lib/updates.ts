// Updates: asks the release server whether a newer version exists, installs it and restarts the app. The updater
// plugin checks the download's signature against the public key in tauri.conf.json before it installs anything.
import { getVersion } from "@tauri-apps/api/app";
import { relaunch } from "@tauri-apps/plugin-process";
import { check, type Update } from "@tauri-apps/plugin-updater";

export type { Update };

export async function appVersion(): Promise<string> {
  return await getVersion();
}

/** The newer version on the release server, or null when this one is current. */
export async function findUpdate(): Promise<Update | null> {
  return await check({ timeout: 20_000 });
}

/** Downloads and installs the update (progress in percent, null while the size is unknown), then restarts. */
export async function installAndRestart(update: Update, progress: (percent: number | null) => void): Promise<void> {
  let total = 0;
  let done = 0;
  await update.downloadAndInstall((event) => {
    if (event.event === "Started") total = event.data.contentLength ?? 0;
    if (event.event === "Progress") done += event.data.chunkLength;
    progress(total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null);
  });
  await relaunch();
}
