//! Facts of the onOffice API wire protocol that both sides must agree on: the relation type URNs and the limits the
//! API enforces. The client and the sandbox take them from here, so a typo cannot make them agree with each other
//! and disagree with onOffice; the sandbox's protocol tests still spell the URNs out, as onOffice's documentation
//! does (docs/protocol.md lists the sources).

/// Contact person of an estate, brokers only (estate = parent, address = child). Portals get the first one.
pub const RELATION_CONTACT_PERSON: &str =
    "urn:onoffice-de-ns:smart:2.5:relationTypes:estate:address:contactPerson";
/// Every contact person of an estate; the type onOffice's own plugin deletes contact persons with.
pub const RELATION_CONTACT_PERSON_ALL: &str =
    "urn:onoffice-de-ns:smart:2.5:relationTypes:estate:address:contactPersonAll";
/// onOffice user (parent) to its address (child).
pub const RELATION_USER_ADDRESS: &str = "urn:onoffice-de-ns:smart:2.5:relationTypes:user:address";
/// The Betreuer of an estate (estate = parent, user = child).
pub const RELATION_ESTATE_OFFICER: &str =
    "urn:onoffice-de-ns:smart:2.5:relationTypes:estate:user:officer";

/// Most ids one `idsfromrelation` action takes (error 302 above).
pub const MAX_RELATION_IDS: usize = 500;
/// Most records one list read returns.
pub const MAX_PAGE_SIZE: u64 = 500;

/// Most listings one `read agentslog` is asked about (`estateid`). onOffice documents no limit; the sandbox refuses
/// more (the harsher reading) and the client never sends more. 200 keeps the reads of a 20,000-listing account in
/// as many requests as may be in flight at once (one round trip), and their first pages short of the 500 limit.
pub const MAX_AGENTS_LOG_ESTATE_IDS: usize = 200;

pub mod local_time;
pub mod lock;

pub mod accounts_file;
