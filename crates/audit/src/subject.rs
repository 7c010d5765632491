//! What a finding, a plan item or a journal entry is about: the account (or one of its assumptions), a user without
//! an address, a system user's address, or a listing. On the wire it stays the short string docs/product.md and the
//! sandbox's planted list use ("account", "account:makler_key", "user:5", "address:123", "estate:7").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnose::AssumptionId;

#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(
        export,
        type = "\"account\" | `account:${string}` | `user:${number}` | `address:${number}` | `estate:${number}`"
    )
)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    Account,
    /// One assumption of the compatibility check.
    Assumption(AssumptionId),
    /// A user (by `Nr`) that has no address yet.
    User(u64),
    /// A system user's address.
    Address(u64),
    /// A listing.
    Estate(u64),
}

impl Subject {
    /// The address id, for a subject that is an address.
    pub fn address(self) -> Option<u64> {
        match self {
            Subject::Address(id) => Some(id),
            _ => None,
        }
    }

    /// The estate id, for a subject that is a listing.
    pub fn estate(self) -> Option<u64> {
        match self {
            Subject::Estate(id) => Some(id),
            _ => None,
        }
    }

    /// The account itself or one of its assumptions.
    pub fn is_account(self) -> bool {
        matches!(self, Subject::Account | Subject::Assumption(_))
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Account => f.write_str("account"),
            Subject::Assumption(a) => write!(f, "account:{}", a.id()),
            Subject::User(nr) => write!(f, "user:{nr}"),
            Subject::Address(id) => write!(f, "address:{id}"),
            Subject::Estate(id) => write!(f, "estate:{id}"),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct UnknownSubject(pub String);

impl fmt::Display for UnknownSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown subject {:?}", self.0)
    }
}

impl std::error::Error for UnknownSubject {}

impl FromStr for Subject {
    type Err = UnknownSubject;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || UnknownSubject(s.to_string());
        let number = |id: &str| id.parse::<u64>().map_err(|_| bad());
        match s.split_once(':') {
            None if s == "account" => Ok(Subject::Account),
            None => Err(bad()),
            Some(("account", id)) => AssumptionId::from_id(id)
                .map(Subject::Assumption)
                .ok_or_else(bad),
            Some(("user", id)) => number(id).map(Subject::User),
            Some(("address", id)) => number(id).map(Subject::Address),
            Some(("estate", id)) => number(id).map(Subject::Estate),
            Some(_) => Err(bad()),
        }
    }
}

impl Serialize for Subject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Subject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Lets tests and callers compare with the wire form directly (`f.subject == "address:12"`).
impl PartialEq<&str> for Subject {
    fn eq(&self, other: &&str) -> bool {
        other.parse::<Subject>().is_ok_and(|o| o == *self)
    }
}

impl PartialEq<String> for Subject {
    fn eq(&self, other: &String) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_wire_form() {
        for s in [
            "account",
            "account:makler_key",
            "user:5",
            "address:123",
            "estate:7",
        ] {
            let subject: Subject = s.parse().unwrap();
            assert_eq!(subject.to_string(), s);
            assert_eq!(serde_json::to_string(&subject).unwrap(), format!("\"{s}\""));
            assert_eq!(
                serde_json::from_str::<Subject>(&format!("\"{s}\"")).unwrap(),
                subject
            );
        }
        for bad in [
            "",
            "accounts",
            "account:nope",
            "user:x",
            "estate:",
            "house:1",
            "address:-1",
        ] {
            assert_eq!(bad.parse::<Subject>(), Err(UnknownSubject(bad.to_string())));
        }
        assert_eq!(
            UnknownSubject("house:1".into()).to_string(),
            "unknown subject \"house:1\""
        );
    }

    #[test]
    fn tells_its_kind() {
        assert_eq!(Subject::Address(3).address(), Some(3));
        assert_eq!(Subject::Estate(3).address(), None);
        assert_eq!(Subject::Estate(4).estate(), Some(4));
        assert_eq!(Subject::User(4).estate(), None);
        assert!(Subject::Account.is_account());
        assert!(Subject::Assumption(AssumptionId::MaklerKey).is_account());
        assert!(!Subject::User(1).is_account());
        assert!(Subject::Address(12) == "address:12");
        assert!(Subject::Address(12) != "address:13");
        let wire = format!("address:{}", 12);
        assert!(Subject::Address(12) == wire);
        assert!(Subject::Address(13) != wire);
    }
}
