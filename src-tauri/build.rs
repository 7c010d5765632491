//! Build script of the desktop app: Tauri's code generation, with the capabilities kept under src-tauri/.
fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("tauri build step");
}
