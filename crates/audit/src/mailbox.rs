//! Which kind of mailbox an e-mail address lives on: well-known free-mail domains directly, every other domain by its
//! MX records. A DNS failure is "could not check", never a finding.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::TokioResolver;
use serde::{Deserialize, Serialize};

/// Where a mailbox is hosted, as far as it matters for automatic mail booking.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailboxKind {
    /// Microsoft 365 / Exchange Online: mail booking works.
    Microsoft365,
    /// onOffice's own mail service: mail booking always works.
    OnOffice,
    /// A provider other than Microsoft: automatic mail booking is impossible.
    External { provider: String },
    /// A mail server we do not know (no finding, but shown).
    Unknown { mx: Vec<String> },
    /// DNS did not answer; shown as "could not check".
    CouldNotCheck { reason: String },
}

impl MailboxKind {
    pub fn is_external(&self) -> bool {
        matches!(self, MailboxKind::External { .. })
    }
}

/// Free-mail domains and their provider names.
const FREE_MAIL: &[(&str, &str)] = &[
    ("gmx.de", "GMX"),
    ("gmx.net", "GMX"),
    ("gmx.at", "GMX"),
    ("gmx.ch", "GMX"),
    ("web.de", "WEB.DE"),
    ("gmail.com", "Google"),
    ("googlemail.com", "Google"),
    ("t-online.de", "T-Online"),
    ("freenet.de", "freenet"),
    ("yahoo.de", "Yahoo"),
    ("yahoo.com", "Yahoo"),
    ("aol.com", "AOL"),
    ("posteo.de", "Posteo"),
    ("mailbox.org", "mailbox.org"),
    ("icloud.com", "Apple iCloud"),
    ("me.com", "Apple iCloud"),
    ("outlook.de", "Outlook.com (privat)"),
    ("outlook.com", "Outlook.com (privat)"),
    ("hotmail.de", "Outlook.com (privat)"),
    ("hotmail.com", "Outlook.com (privat)"),
    ("live.de", "Outlook.com (privat)"),
    ("1und1.de", "1&1"),
    ("arcor.de", "Vodafone/Arcor"),
];

/// MX host suffixes of known external providers.
const EXTERNAL_MX: &[(&str, &str)] = &[
    ("google.com", "Google"),
    ("googlemail.com", "Google"),
    ("ionos.de", "IONOS"),
    ("ionos.com", "IONOS"),
    ("kundenserver.de", "IONOS"),
    ("perfora.net", "IONOS"),
    ("1and1.com", "IONOS"),
    ("rzone.de", "Strato"),
    ("strato.de", "Strato"),
    ("gmx.net", "GMX"),
    ("gmx.de", "GMX"),
    ("web.de", "WEB.DE"),
    ("t-online.de", "T-Online"),
    ("kasserver.com", "ALL-INKL"),
    ("hosteurope.de", "Host Europe"),
    ("mailbox.org", "mailbox.org"),
    ("posteo.de", "Posteo"),
    ("yahoodns.net", "Yahoo"),
    ("zoho.eu", "Zoho"),
    ("zoho.com", "Zoho"),
    ("icloud.com", "Apple iCloud"),
    ("mail.ovh.net", "OVH"),
    ("hetzner.com", "Hetzner"),
    ("your-server.de", "Hetzner"),
];

/// The domain of an e-mail address, lower-case; `None` if it is not an address.
pub fn domain_of(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_lowercase();
    (!local.is_empty() && domain.contains('.') && !domain.contains(' ')).then_some(domain)
}

/// Classifies a domain by the MX hosts it publishes.
pub fn classify_mx(hosts: &[String]) -> MailboxKind {
    let hosts: Vec<String> = hosts
        .iter()
        .map(|h| h.trim_end_matches('.').to_lowercase())
        .collect();
    let ends = |h: &str, suffix: &str| h == suffix || h.ends_with(&format!(".{suffix}"));
    if hosts.is_empty() {
        return MailboxKind::Unknown { mx: Vec::new() };
    }
    if hosts
        .iter()
        .any(|h| ends(h, "mail.protection.outlook.com") || ends(h, "mail.protection.office365.us"))
    {
        return MailboxKind::Microsoft365;
    }
    if hosts
        .iter()
        .any(|h| ends(h, "onoffice.de") || ends(h, "onoffice.com"))
    {
        return MailboxKind::OnOffice;
    }
    for h in &hosts {
        if let Some((_, provider)) = EXTERNAL_MX.iter().find(|(suffix, _)| ends(h, suffix)) {
            return MailboxKind::External {
                provider: provider.to_string(),
            };
        }
    }
    MailboxKind::Unknown { mx: hosts }
}

/// Looks up and classifies mail domains. Answers are cached per domain for the life of the value.
pub struct MailboxClassifier {
    resolver: Option<TokioResolver>,
    cache: tokio::sync::Mutex<BTreeMap<String, MailboxKind>>,
}

impl MailboxClassifier {
    /// Uses the system's DNS configuration.
    pub fn system() -> Self {
        let resolver = TokioResolver::builder_tokio().ok().map(|mut b| {
            tune(b.options_mut());
            b.build()
        });
        MailboxClassifier {
            resolver,
            cache: Default::default(),
        }
    }

    /// Asks one DNS server (the sandbox's in tests and in the demo).
    pub fn with_server(server: SocketAddr) -> Self {
        let group = NameServerConfigGroup::from_ips_clear(&[server.ip()], server.port(), true);
        let mut builder = TokioResolver::builder_with_config(
            ResolverConfig::from_parts(None, vec![], group),
            TokioConnectionProvider::default(),
        );
        tune(builder.options_mut());
        MailboxClassifier {
            resolver: Some(builder.build()),
            cache: Default::default(),
        }
    }

    /// Classifies one e-mail address.
    pub async fn classify(&self, email: &str) -> MailboxKind {
        let Some(domain) = domain_of(email) else {
            return MailboxKind::CouldNotCheck {
                reason: "no valid e-mail address".into(),
            };
        };
        if let Some(kind) = self.cache.lock().await.get(&domain) {
            return kind.clone();
        }
        let kind = self.lookup(&domain).await;
        self.cache.lock().await.insert(domain, kind.clone());
        kind
    }

    /// Classifies many addresses, a few DNS queries at a time; the result maps each domain to its kind.
    pub async fn classify_all(
        &self,
        emails: impl IntoIterator<Item = String>,
    ) -> BTreeMap<String, MailboxKind> {
        let domains: std::collections::BTreeSet<String> =
            emails.into_iter().filter_map(|e| domain_of(&e)).collect();
        stream::iter(domains)
            .map(|d| async move {
                let kind = self.classify(&format!("x@{d}")).await;
                (d, kind)
            })
            .buffer_unordered(16)
            .collect()
            .await
    }

    async fn lookup(&self, domain: &str) -> MailboxKind {
        if let Some((_, provider)) = FREE_MAIL.iter().find(|(d, _)| *d == domain) {
            return MailboxKind::External {
                provider: provider.to_string(),
            };
        }
        let Some(resolver) = &self.resolver else {
            return MailboxKind::CouldNotCheck {
                reason: "no DNS configuration".into(),
            };
        };
        match resolver.mx_lookup(format!("{domain}.")).await {
            Ok(mx) => {
                let hosts: Vec<String> = mx.iter().map(|r| r.exchange().to_utf8()).collect();
                classify_mx(&hosts)
            }
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => {
                MailboxKind::Unknown { mx: Vec::new() }
            }
            Err(e) => MailboxKind::CouldNotCheck {
                reason: e.to_string(),
            },
        }
    }
}

fn tune(opts: &mut ResolverOpts) {
    opts.timeout = Duration::from_secs(2);
    opts.attempts = 2;
    opts.cache_size = 256;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mx_classes() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            classify_mx(&s(&["firma-de.mail.protection.outlook.com."])),
            MailboxKind::Microsoft365
        );
        assert_eq!(classify_mx(&s(&["mx1.onoffice.de"])), MailboxKind::OnOffice);
        assert_eq!(
            classify_mx(&s(&["mx00.ionos.de.", "mx01.ionos.de."])),
            MailboxKind::External {
                provider: "IONOS".into()
            }
        );
        assert_eq!(
            classify_mx(&s(&["smtpin.rzone.de"])),
            MailboxKind::External {
                provider: "Strato".into()
            }
        );
        assert!(matches!(
            classify_mx(&s(&["mail.example.de"])),
            MailboxKind::Unknown { .. }
        ));
        // A look-alike is not Microsoft.
        assert!(matches!(
            classify_mx(&s(&["outlook.com.evil.example"])),
            MailboxKind::Unknown { .. }
        ));
    }

    #[test]
    fn domains() {
        assert_eq!(
            domain_of(" Anna.Weber@Firma-Immobilien.DE ").as_deref(),
            Some("firma-immobilien.de")
        );
        assert_eq!(domain_of("kein-at-zeichen"), None);
        assert_eq!(domain_of("@firma.de"), None);
    }

    #[tokio::test]
    async fn free_mail_needs_no_dns() {
        let c = MailboxClassifier {
            resolver: None,
            cache: Default::default(),
        };
        assert_eq!(
            c.classify("x@gmx.de").await,
            MailboxKind::External {
                provider: "GMX".into()
            }
        );
        assert!(matches!(
            c.classify("x@firma.de").await,
            MailboxKind::CouldNotCheck { .. }
        ));
    }
}

#[cfg(test)]
mod dns_failure_tests {
    use super::*;

    /// A DNS server that does not answer is "could not check", never a finding.
    #[tokio::test]
    async fn unreachable_dns_is_could_not_check() {
        let dead: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let c = MailboxClassifier::with_server(dead);
        assert!(matches!(
            c.classify("anna@firma-immobilien.de").await,
            MailboxKind::CouldNotCheck { .. }
        ));
        // Free mail is known without DNS.
        assert!(c.classify("anna@web.de").await.is_external());
    }
}
