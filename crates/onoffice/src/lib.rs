//! Client for the onOffice enterprise API: credential checks, HMAC v2 signing, the JSON envelope with its quirks,
//! batching and paging, one typed error with classes the UI can act on, and typed calls for the audit.
//! It must never log or display the API secret.

mod answer;
pub mod api;
pub mod client;
pub mod credentials;
pub mod envelope;
pub mod error;
mod record;
pub mod signing;

pub use api::{
    email_entries, AddressChanges, EmailEntry, EmailEntryKind, FieldCatalog, FieldInfo, Filter,
    PermittedValue, RelationSide,
};
pub use client::{
    Answers, Batch, Client, ClientBuilder, FirstPage, Result, Slot, DEFAULT_BASE_URL,
};
pub use credentials::{Credentials, Secret, Token};
pub use envelope::{Action, ActionKind, ActionResult, Record};
pub use error::{BaseUrlProblem, Blocker, Error, ErrorClass};
pub use record::{Ids, Text};
