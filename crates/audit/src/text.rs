//! Bilingual text: everything a person reads comes in German first and English second.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub de: String,
    pub en: String,
}

impl Text {
    pub fn new(de: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            de: de.into(),
            en: en.into(),
        }
    }
}

/// `Text::new` with `format!`; both templates take the same arguments.
#[macro_export]
macro_rules! text {
    ($de:expr, $en:expr $(, $arg:expr)* $(,)?) => {
        $crate::text::Text::new(format!($de $(, $arg)*), format!($en $(, $arg)*))
    };
}
