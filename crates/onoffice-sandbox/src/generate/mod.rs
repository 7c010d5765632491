//! Builds a realistic, deterministic account from a seed and sizes, and plants every detectable finding kind of the
//! product (docs/product.md) at known subjects. The planted list is the ground truth the audit is tested against.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

mod action_kinds;
mod answers;
mod bookings;
mod listings;
mod names;
mod staff;

pub use bookings::{anchor, mail_booking_truth, onoffice_date};
pub use names::mail_local;

use crate::dns::{MailHost, MailHostKind};
use crate::model::*;
use names::{AGENCIES, EMAIL_COMMENTS, FREE_MAIL};

/// A finding the generator planted: `kind` and `subject` as in docs/product.md.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Planted {
    pub kind: String,
    pub subject: String,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenConfig {
    pub seed: u64,
    pub users: usize,
    pub estates: usize,
    /// Derived from the seed when not given: seed % 5 == 3 renamed, == 4 missing, == 2 customer key.
    pub makler_variant: Option<MaklerVariant>,
    /// One of many agencies served together (`Fleet`): its number goes into the agency's name and mail domains,
    /// so every agency of a fleet has names and domains of its own.
    pub tenant: Option<u32>,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 1,
            users: 20,
            estates: 200,
            makler_variant: None,
            tenant: None,
        }
    }
}

/// A generated account with its mail domains and the planted findings.
pub struct Generated {
    pub account: Account,
    pub mail_hosts: BTreeMap<String, MailHost>,
    pub planted: Vec<Planted>,
    /// The findings once the person has picked the broker value (differs from `planted` only for
    /// [`MaklerVariant::CustomKey`]).
    pub planted_after_choice: Vec<Planted>,
}

/// splitmix64: small, fast, and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a system user's address is planted with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum UserCase {
    Deactivated,
    NoAddress,
    NotMakler,
    NoEmail,
    OnlyNonDefaultEmail,
    FreeMail,
    ExternalDomain,
    UnknownDomain,
    /// Ready, with a Microsoft 365 mailbox behind a filtering gateway.
    BehindFilter,
    Fine,
}

/// The account while it is generated, with what later parts need to know of the earlier ones.
struct Builder<'a> {
    cfg: &'a GenConfig,
    rng: Rng,
    variant: MaklerVariant,
    agency: String,
    domain: String,
    external_domain: String,
    unknown_domain: String,
    filter_domain: String,
    mail_hosts: BTreeMap<String, MailHost>,
    account: Account,
    broker_key: Option<String>,
    planted: BTreeSet<Planted>,
    /// With no `Makler` key, a missing broker value is not a per-user finding (the account finding covers it).
    makler_findings: bool,
    next_address: u64,
    used_usernames: BTreeSet<String>,
    /// System user addresses with open makler/e-mail/mailbox findings.
    not_ready: BTreeSet<u64>,
    /// System user addresses of a variant with a broker key that lack it.
    without_broker_key: Vec<u64>,
    /// System user addresses without an open point.
    ready: Vec<u64>,
}

impl<'a> Builder<'a> {
    /// The agency, its mail domains and the contact type values of its variant.
    fn new(cfg: &'a GenConfig) -> Self {
        let mut rng = Rng::new(cfg.seed);
        let variant = cfg.makler_variant.unwrap_or(match cfg.seed % 5 {
            2 => MaklerVariant::CustomKey,
            3 => MaklerVariant::Renamed,
            4 => MaklerVariant::Missing,
            _ => MaklerVariant::Standard,
        });
        let (agency, domain) = tenant_names(*rng.pick(AGENCIES), cfg.tenant);
        let domains = MailDomains::draw(&domain, cfg.seed, &mut rng);
        let account = new_account(&agency, &domain, variant);
        let broker_key = account.broker_key().map(str::to_owned);
        let mut builder = Builder {
            cfg,
            rng,
            variant,
            agency,
            domain,
            external_domain: domains.external,
            unknown_domain: domains.unknown,
            filter_domain: domains.filter,
            mail_hosts: domains.hosts,
            account,
            broker_key,
            planted: BTreeSet::new(),
            makler_findings: matches!(variant, MaklerVariant::Standard | MaklerVariant::Renamed),
            next_address: 1000,
            used_usernames: BTreeSet::new(),
            not_ready: BTreeSet::new(),
            without_broker_key: Vec::new(),
            ready: Vec::new(),
        };
        if builder.broker_key.is_none() || variant == MaklerVariant::CustomKey {
            // No value with the key `Makler`: the audit cannot know the broker value until the person picks one.
            builder.plant("account.makler_key_missing", "account".into());
        }
        builder
    }

    fn plant(&mut self, kind: &str, subject: String) {
        self.planted.insert(Planted {
            kind: kind.to_string(),
            subject,
        });
    }

    /// Every system user address: the ready ones, then those with open points.
    fn system_addresses(&self) -> Vec<u64> {
        self.ready
            .iter()
            .chain(self.not_ready.iter())
            .copied()
            .collect()
    }

    /// A fresh address id.
    fn next_id(&mut self) -> u64 {
        let id = self.next_address;
        self.next_address += 1;
        id
    }

    /// E-mail entries in all three lists, with the remarks people write into them; and the ground truth once the
    /// person picks the customer key that stands for brokers.
    fn finish(mut self) -> Generated {
        let mut planted_after_choice: BTreeSet<Planted> = self.planted.clone();
        if self.variant == MaklerVariant::CustomKey {
            planted_after_choice.retain(|p| p.kind != "account.makler_key_missing");
            for id in &self.without_broker_key {
                planted_after_choice.insert(Planted {
                    kind: "user.not_makler".into(),
                    subject: format!("address:{id}"),
                });
            }
        }
        for a in self.account.addresses.values_mut() {
            for e in &mut a.emails {
                e.kind =
                    *self
                        .rng
                        .pick(&[EmailKind::Plain, EmailKind::Business, EmailKind::Private]);
                e.comment = self.rng.pick(EMAIL_COMMENTS).to_string();
            }
        }
        Generated {
            account: self.account,
            mail_hosts: self.mail_hosts,
            planted: self.planted.into_iter().collect(),
            planted_after_choice: planted_after_choice.into_iter().collect(),
        }
    }
}

/// The agency's mail domains besides its own, and what DNS publishes for each (its own and the free mailers too).
struct MailDomains {
    external: String,
    unknown: String,
    filter: String,
    hosts: BTreeMap<String, MailHost>,
}

impl MailDomains {
    /// The hosts behind the agency's `domain`: its own (onOffice or Microsoft 365), an external provider's, a
    /// self-hosted one, and the property management branch's Microsoft 365 behind a filtering gateway.
    fn draw(domain: &str, seed: u64, rng: &mut Rng) -> Self {
        let primary_kind = if rng.chance(0.25) {
            MailHostKind::OnOffice
        } else if seed % 2 == 1 {
            // Half the seeds' Microsoft domains have the MX form of domains added since July 2026.
            MailHostKind::Microsoft365Since2026
        } else {
            MailHostKind::Microsoft365
        };
        let external = format!("{}-verwaltung.de", domain.trim_end_matches(".de"));
        let external_kind = *rng.pick(&[
            MailHostKind::Ionos,
            MailHostKind::Strato,
            MailHostKind::Google,
        ]);
        let unknown = format!("mail-{}", domain);
        // The property management branch: Microsoft 365 behind a filtering gateway.
        let filter = format!("{}-hausverwaltung.de", domain.trim_end_matches(".de"));
        let mut hosts = BTreeMap::new();
        for (name, kind) in [
            (domain, primary_kind),
            (&external, external_kind),
            (&unknown, MailHostKind::SelfHosted),
            (&filter, MailHostKind::GatewayToMicrosoft365),
        ] {
            hosts.insert(name.to_string(), MailHost::for_domain(name, kind));
        }
        for free in FREE_MAIL {
            let kind = match *free {
                "gmail.com" => MailHostKind::Google,
                "t-online.de" => MailHostKind::TOnline,
                _ => MailHostKind::UnitedInternet,
            };
            hosts.insert(free.to_string(), MailHost::for_domain(free, kind));
        }
        MailDomains {
            external,
            unknown,
            filter,
            hosts,
        }
    }
}

/// The contact type values (`ArtDaten`) of an account of `variant`: the standard ones and the broker value as the
/// variant has it.
fn contact_type_values(variant: MaklerVariant) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = vec![
        ("Eigentümer".into(), "Eigentümer".into()),
        ("Interessent Kauf".into(), "Interessent Kauf".into()),
        ("Interessent Miete".into(), "Interessent Miete".into()),
        ("Kooperationspartner".into(), "Kooperationspartner".into()),
        ("Kunde".into(), "Kunde".into()),
        ("Newsletter-Empfänger".into(), "Newsletter-Empfänger".into()),
        (
            "Systembenutzer".into(),
            "Systembenutzer (Adresse ist mit Benutzer verknüpft)".into(),
        ),
        ("Tippgeber".into(), "Tippgeber".into()),
    ];
    match variant {
        MaklerVariant::Standard => values.push(("Makler".into(), "Makler".into())),
        MaklerVariant::Renamed => values.push(("Makler".into(), "Mitarbeiter".into())),
        MaklerVariant::CustomKey => values.push((CUSTOM_BROKER_KEY.into(), "Mitarbeiter".into())),
        MaklerVariant::Missing => {}
    }
    values.push(("indMulti673Select249".into(), "Interessent Gewerbe".into()));
    values
}

/// An empty account of the agency, before people and listings are added.
fn new_account(agency: &str, domain: &str, variant: MaklerVariant) -> Account {
    Account {
        agency: agency.to_string(),
        makler_variant: variant,
        users: BTreeMap::new(),
        addresses: BTreeMap::new(),
        estates: BTreeMap::new(),
        contacts: Vec::new(),
        contact_type_values: contact_type_values(variant),
        can_read_users: true,
        marketing_type_values: standard_marketing_types(),
        unreadable_fields: BTreeSet::new(),
        next_email_id: 5000,
        agents_log: Vec::new(),
        mail_booking: BTreeMap::new(),
        can_read_agents_log: true,
        action_kinds: Vec::new(),
        transfer_logging: None,
        next_transfer_job: 0,
        bookable: BTreeSet::new(),
        mail_domain: domain.to_string(),
        days_advanced: 0,
        rental_agent: None,
        log_unsorted: false,
        list_cache: ListCache::default(),
    }
}

/// Builds the account of a seed and sizes: people first, then listings whose contacts point at them.
pub fn generate(cfg: &GenConfig) -> Generated {
    let mut b = Builder::new(cfg);
    b.users();
    b.orphans();
    let wrong_contacts = b.wrong_contacts();
    b.address_book();
    let open_rentals = b.listings(&wrong_contacts);
    b.judge_listings(open_rentals.clone());
    b.mail_booking(&open_rentals, bookings::anchor());
    b.finish()
}

/// The agency's name and mail domain; a fleet's agency `n` adds its number to both ("Isar Wohnwerte GmbH 7",
/// "isar-wohnwerte-7.de").
fn tenant_names((agency, domain): (&str, &str), tenant: Option<u32>) -> (String, String) {
    match tenant {
        None => (agency.to_string(), domain.to_string()),
        Some(n) => (
            format!("{agency} {n}"),
            format!("{}-{n}.de", domain.trim_end_matches(".de")),
        ),
    }
}

#[cfg(test)]
mod tests;
