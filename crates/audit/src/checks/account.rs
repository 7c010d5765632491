//! Rules about the account as a whole: the contact type value that stands for "Makler".

use super::{finding, wording, Evaluation};
use crate::finding::FindingKind;
use crate::snapshot::MaklerKey;
use crate::subject::Subject;

/// `account.makler_key_missing`: no value with the key "Makler" (renamed candidates are named).
pub(super) fn makler_key(makler: &MaklerKey, out: &mut Evaluation) {
    if let MaklerKey::Missing { candidates } = makler {
        out.findings.push(finding(
            FindingKind::MaklerKeyMissing,
            Subject::Account,
            "onOffice",
            wording::makler_key_missing(candidates),
        ));
    }
}
