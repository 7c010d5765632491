//! Build script of the desktop app: Tauri's code generation, with the capabilities under src-tauri/. The commands
//! come from the one list in src-tauri/commands.txt (grouped by domain); from them the app manifest gets
//! `allow-<command>` permissions and a permission set `app-commands`, which the capability file grants as a whole,
//! and each domain file under src-tauri/src/commands/ gets its `commands! { … }` call (`OUT_DIR/commands/<domain>.rs`,
//! which it includes). A command added to the list is thereby registered, permitted and typed for the UI.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The command list (read when this script is compiled, so a change to it builds and runs the script again).
const LIST: &str = include_str!("commands.txt");

/// One domain's group of the list: `[name]`, then its commands.
struct Domain {
    name: &'static str,
    commands: Vec<&'static str>,
}

/// The list's domains in its order. A line `[domain]` opens a group, `#` starts a comment line.
fn domains() -> Vec<Domain> {
    let mut domains: Vec<Domain> = Vec::new();
    for line in LIST.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            domains.push(Domain {
                name,
                commands: Vec::new(),
            });
        } else {
            domains
                .last_mut()
                .expect("src-tauri/commands.txt: a command before the first [domain] line")
                .commands
                .push(line);
        }
    }
    domains
}

/// Each domain's `commands! { … }` call, for its file under src-tauri/src/commands/ to include.
fn write_handlers(out: &Path, domains: &[Domain]) {
    let dir = out.join("commands");
    std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");
    for domain in domains {
        let names: String = domain
            .commands
            .iter()
            .map(|n| format!("    {n},\n"))
            .collect();
        std::fs::write(
            dir.join(format!("{}.rs", domain.name)),
            format!("commands! {{\n{names}}}\n"),
        )
        .expect("handler list written");
    }
}

/// The permission set `app-commands`: every command allowed. Returns the folder it is in.
fn write_permission_set(out: &Path, names: &[&str]) -> PathBuf {
    let permissions = out.join("app-permissions");
    std::fs::create_dir_all(&permissions).expect("OUT_DIR is writable");
    let allow: Vec<String> = names
        .iter()
        .map(|n| format!("\"allow-{}\"", n.replace('_', "-")))
        .collect();
    std::fs::write(
        permissions.join("app-commands.toml"),
        format!(
            "[[set]]\nidentifier = \"app-commands\"\ndescription = \"Every command of the app, as \
             src-tauri/commands.txt lists them.\"\npermissions = [{}]\n",
            allow.join(", ")
        ),
    )
    .expect("permission set written");
    permissions
}

/// Tauri's build step wants both lists for the whole build (`'static`); they live here.
static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
static PERMISSIONS_PATTERN: OnceLock<String> = OnceLock::new();

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/commands.txt");
    // Printing any rerun-if-changed turns off cargo's own "any file changed" check, so name what Tauri reads too.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let domains = domains();
    let names = NAMES.get_or_init(|| domains.iter().flat_map(|d| d.commands.clone()).collect());
    assert!(!names.is_empty(), "no commands in src-tauri/commands.txt");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    write_handlers(&out, &domains);
    let permissions = write_permission_set(&out, names);
    let pattern = PERMISSIONS_PATTERN.get_or_init(|| format!("{}/*.toml", permissions.display()));
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .commands(names)
                    .permissions_path_pattern(pattern),
            ),
    )
    .expect("tauri build step");
}
