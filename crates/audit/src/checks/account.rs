//! Rules about the account as a whole: the contact type value that stands for "Makler".

use super::{finding, manual, wording, Evaluation};
use crate::finding::FindingKind;
use crate::snapshot::MaklerKey;
use crate::subject::Subject;
use crate::text;
use crate::text::Text;

/// `account.makler_key_missing`: no value with the key "Makler" (renamed candidates are named).
pub(super) fn makler_key(makler: &MaklerKey, out: &mut Evaluation) {
    if let MaklerKey::Missing { candidates } = &makler {
        let names: Vec<String> = candidates
            .iter()
            .map(|c| format!("„{}“", c.label))
            .collect();
        let (seen, steps) = if candidates.is_empty() {
            (
                Text::new(
                    "In der Kontaktart gibt es keinen Wert „Makler“ und keinen, der danach klingt.",
                    "The contact type has no value \"Makler\" and none that sounds like it.",
                ),
                vec![Text::new(
                    "Bitte den onOffice-Support bitten, die Kontaktart „Makler“ wiederherzustellen.",
                    "Please ask onOffice support to restore the contact type \"Makler\".",
                )],
            )
        } else {
            (
                text!(
                    "Kein Wert mit dem Schlüssel „Makler“. Möglicherweise umbenannt: {}.",
                    "No value with the key \"Makler\". Possibly renamed: {}.", names.join(", ")),
                vec![Text::new(
                    "In der App den Wert wählen, der bei Ihnen für Makler steht; im Zweifel den Support fragen.",
                    "Pick the value that stands for brokers in your account in the app; if in doubt, ask support.",
                )],
            )
        };
        out.findings.push(finding(
            FindingKind::MaklerKeyMissing,
            Subject::Account,
            "onOffice",
            seen,
            Text::new(
                "Die Kontaktart „Makler“ ist vorhanden.",
                "The contact type \"Makler\" exists.",
            ),
            manual(
                Text::new(
                    "Extras > Einstellungen > Administration > Mehrfachauswahl-Felder > Kontaktart",
                    "Extras > Settings > Administration > multiselect fields > Kontaktart",
                ),
                steps,
                Some(wording::makler_missing_mail()),
            ),
        ));
    }
}
