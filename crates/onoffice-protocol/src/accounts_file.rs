//! Support's accounts file names each agency; its token and secret come from environment variables named after it.
//! `oo-check` reads them and the sandbox's fleet (`onoffice-sandbox --accounts N`) writes them, so both take the
//! names from here.

/// A name as it appears in environment variable names and file names: upper case letters, digits and `_`
/// ("Isar Wohnwerte München" → "ISAR_WOHNWERTE_MUENCHEN").
pub fn slug(name: &str) -> String {
    let folded = name
        .replace('ä', "ae")
        .replace('ö', "oe")
        .replace('ü', "ue")
        .replace('Ä', "Ae")
        .replace('Ö', "Oe")
        .replace('Ü', "Ue")
        .replace('ß', "ss");
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// The variable holding an account's API token: `ONOFFICE_TOKEN_<NAME>`.
pub fn token_var(name: &str) -> String {
    format!("ONOFFICE_TOKEN_{}", slug(name))
}

/// The variable holding an account's API secret: `ONOFFICE_SECRET_<NAME>`.
pub fn secret_var(name: &str) -> String {
    format!("ONOFFICE_SECRET_{}", slug(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_variable_names() {
        assert_eq!(slug("Isar Wohnwerte München"), "ISAR_WOHNWERTE_MUENCHEN");
        assert_eq!(slug("  Müller & Söhne GmbH "), "MUELLER_SOEHNE_GMBH");
        assert_eq!(
            slug("Nordlicht-Immobilien (Kiel)"),
            "NORDLICHT_IMMOBILIEN_KIEL"
        );
        assert_eq!(token_var("Isar 7"), "ONOFFICE_TOKEN_ISAR_7");
        assert_eq!(secret_var("Isar 7"), "ONOFFICE_SECRET_ISAR_7");
    }
}
