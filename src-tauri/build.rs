//! Build script of the desktop app: Tauri's code generation, with the capabilities under src-tauri/. The commands
//! come from the one list each domain declares (`commands! { … }` at the end of src-tauri/src/commands/*.rs); from
//! them the app manifest gets `allow-<command>` permissions and a permission set `app-commands`, which the capability
//! file grants as a whole. A command added to a domain's list is thereby registered, permitted and typed for the UI.

use std::path::Path;

/// The names in every `commands! { … }` block of the domain files.
fn declared_commands(dir: &Path) -> Vec<String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("src-tauri/src/commands")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut names = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        // Only invocations at the start of a line (the macro's own definition is indented inside mod.rs).
        for block in text.split("\ncommands! {").skip(1) {
            let list = block.split('}').next().unwrap_or("");
            names.extend(
                list.split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
            );
        }
    }
    names
}

fn main() {
    let dir = Path::new("src-tauri/src/commands");
    println!("cargo:rerun-if-changed={}", dir.display());
    // Printing any rerun-if-changed turns off cargo's own "any file changed" check, so name what Tauri reads too.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let names = declared_commands(dir);
    assert!(!names.is_empty(), "no commands! blocks found");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    let permissions = out.join("app-permissions");
    std::fs::create_dir_all(&permissions).expect("OUT_DIR is writable");
    let allow: Vec<String> = names
        .iter()
        .map(|n| format!("\"allow-{}\"", n.replace('_', "-")))
        .collect();
    std::fs::write(
        permissions.join("app-commands.toml"),
        format!(
            "[[set]]\nidentifier = \"app-commands\"\ndescription = \"Every command of the app, as the domains in \
             src-tauri/src/commands/ declare them.\"\npermissions = [{}]\n",
            allow.join(", ")
        ),
    )
    .expect("permission set written");
    let commands: &'static [&'static str] = Box::leak(
        names
            .into_iter()
            .map(|n| &*Box::leak(n.into_boxed_str()))
            .collect(),
    );
    let pattern: &'static str =
        Box::leak(format!("{}/*.toml", permissions.display()).into_boxed_str());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .commands(commands)
                    .permissions_path_pattern(pattern),
            ),
    )
    .expect("tauri build step");
}
