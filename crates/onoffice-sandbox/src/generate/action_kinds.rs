//! The action kinds of a generated account (the keys its Maklerbuch uses), and where in them the account logs
//! portal transfers.

use crate::model::{ActionKind, KindType, TransferLogging};

/// A kind type whose key is its label.
fn plain(key: &str) -> KindType {
    KindType {
        key: key.into(),
        label: key.into(),
    }
}

/// An action kind of the account.
fn kind(
    key: &str,
    label: &str,
    types: Vec<KindType>,
    automatic_types: Vec<KindType>,
) -> ActionKind {
    ActionKind {
        key: key.into(),
        label: label.into(),
        types,
        automatic_types,
    }
}

/// A kind type whose label differs from its key.
fn typed(key: &str, label: &str) -> KindType {
    KindType {
        key: key.into(),
        label: label.into(),
    }
}

/// The account's action kinds; the Maklerbuch uses their keys. Where portal transfers appear differs per account
/// (onOffice does not publish it): under a kind of their own, as a type of an "Export" kind, as one type among others
/// of a portal kind, or not at all. Every account also has a kind that mentions portals without being a transfer.
pub(super) fn action_kinds(seed: u64) -> (Vec<ActionKind>, Option<TransferLogging>) {
    let mut kinds = vec![
        kind(
            "Email",
            "E-Mail",
            vec![],
            vec![plain("Eingang"), plain("Ausgang")],
        ),
        kind(
            "Telefonat",
            "Telefonat",
            vec![plain("Eingang"), plain("Ausgang")],
            vec![],
        ),
        kind(
            "Termin",
            "Termin",
            vec![
                plain("Besichtigung"),
                plain("Objektaufnahme"),
                plain("Beratung"),
            ],
            vec![],
        ),
        kind("Notiz", "Notiz", vec![], vec![]),
        kind("AGB bestätigt", "AGB bestätigt", vec![], vec![]),
        kind(
            "Portalanfrage",
            "Portal-Anfrage",
            vec![plain("Rückruf")],
            vec![],
        ),
    ];
    let transfer = portal_transfer_kind(seed).map(|(transfer_kind, logging)| {
        kinds.push(transfer_kind);
        logging
    });
    (kinds, transfer)
}

/// The kind that portal transfers are logged under, and where in it (see [`action_kinds`]); `None` for the accounts
/// that do not show transfers.
fn portal_transfer_kind(seed: u64) -> Option<(ActionKind, TransferLogging)> {
    let logging = |kind: &str, kind_type: &str| TransferLogging {
        kind: kind.into(),
        kind_type: kind_type.into(),
    };
    match seed % 4 {
        0 => Some((
            kind("Portal", "Portalübertragung", vec![], vec![plain("Export")]),
            logging("Portal", "Export"),
        )),
        1 => Some((
            kind(
                "Export",
                "Export",
                vec![plain("CSV")],
                vec![typed("Portalupdate", "Portal-Aktualisierung")],
            ),
            logging("Export", "Portalupdate"),
        )),
        2 => Some((
            kind(
                "Immobilienportal",
                "Immobilienportale",
                vec![typed("Anfrage", "Anfrage weitergeleitet")],
                vec![typed("Uebertragung", "Übertragung")],
            ),
            logging("Immobilienportal", "Uebertragung"),
        )),
        _ => None,
    }
}
