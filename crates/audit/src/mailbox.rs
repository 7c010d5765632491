//! Which kind of mailbox an e-mail address lives on: well-known free-mail domains directly, every other domain by its
//! MX records; an MX we do not know is looked at once more through what the domain publishes besides (an SPF record
//! including Microsoft's, an `autodiscover` CNAME to Microsoft), which shows Microsoft 365 behind a filtering
//! gateway. A DNS failure is "could not check", never a finding.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;
use serde::{Deserialize, Serialize};

/// Where a mailbox is hosted, as far as it matters for automatic mail booking.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailboxKind {
    /// Microsoft 365 / Exchange Online: mail booking works.
    Microsoft365,
    /// Microsoft 365 behind a filtering gateway (the MX names the gateway; SPF or autodiscover show Microsoft 365
    /// behind it): mail booking works as with Microsoft 365. `gateway` names it where its MX is one we know.
    Microsoft365BehindFilter {
        #[cfg_attr(feature = "ts", ts(optional))]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gateway: Option<String>,
        mx: Vec<String>,
    },
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

    /// Exchange Online, directly or behind a filter.
    pub fn is_microsoft(&self) -> bool {
        matches!(
            self,
            MailboxKind::Microsoft365 | MailboxKind::Microsoft365BehindFilter { .. }
        )
    }
}

/// What a domain publishes besides its MX that shows where its mailboxes are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainSigns {
    /// The domain's TXT records (its SPF record among them).
    pub txt: Vec<String>,
    /// Where `autodiscover.<domain>` points (CNAME), if anywhere.
    pub autodiscover: Option<String>,
}

impl DomainSigns {
    /// Microsoft 365's own signs: the SPF record includes `spf.protection.outlook.com`, or autodiscover is a CNAME
    /// to `autodiscover.outlook.com` (what Microsoft's setup asks a domain to publish).
    pub fn show_microsoft(&self) -> bool {
        let spf = self.txt.iter().any(|t| {
            let t = t.trim().to_lowercase();
            t.starts_with("v=spf1")
                && t.split_whitespace().any(|term| {
                    let term = term.trim_start_matches(['+', '~', '?']);
                    term == "include:spf.protection.outlook.com"
                })
        });
        let autodiscover = self.autodiscover.as_deref().is_some_and(|c| {
            c.trim().trim_end_matches('.').to_lowercase() == "autodiscover.outlook.com"
        });
        spf || autodiscover
    }
}

/// MX host suffixes of filtering gateways that offices put in front of Microsoft 365, with their names.
const GATEWAY_MX: &[(&str, &str)] = &[
    ("hornetsecurity.com", "Hornetsecurity"),
    ("mimecast.com", "Mimecast"),
    ("pphosted.com", "Proofpoint"),
    ("ppe-hosted.com", "Proofpoint"),
    ("retarus.com", "Retarus"),
    ("nospamproxy.com", "NoSpamProxy"),
    ("nospamproxy.cloud", "NoSpamProxy"),
];

/// Whether a host is `suffix` or below it.
fn under(host: &str, suffix: &str) -> bool {
    host == suffix || host.ends_with(&format!(".{suffix}"))
}

/// An MX we do not know, judged by the domain's other records: Microsoft 365 behind a filter if they show
/// Microsoft, otherwise still unknown.
pub fn classify_unknown(mx: Vec<String>, signs: &DomainSigns) -> MailboxKind {
    if !signs.show_microsoft() {
        return MailboxKind::Unknown { mx };
    }
    let gateway = mx.iter().find_map(|h| {
        GATEWAY_MX
            .iter()
            .find(|(suffix, _)| under(h, suffix))
            .map(|(_, name)| name.to_string())
    });
    MailboxKind::Microsoft365BehindFilter { gateway, mx }
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
    let ends = under;
    if hosts.is_empty() {
        return MailboxKind::Unknown { mx: Vec::new() };
    }
    // Exchange Online's MX: `<domain>.mail.protection.outlook.com`, and for domains added since July 2026
    // `<domain>.<zone>.mx.microsoft` (Microsoft message center MC1048624).
    if hosts.iter().any(|h| {
        ends(h, "mail.protection.outlook.com")
            || ends(h, "mail.protection.office365.us")
            || ends(h, "mx.microsoft")
    }) {
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
                match classify_mx(&hosts) {
                    MailboxKind::Unknown { mx } if !mx.is_empty() => {
                        classify_unknown(mx, &self.signs(resolver, domain).await)
                    }
                    kind => kind,
                }
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

impl MailboxClassifier {
    /// The domain's TXT records and its autodiscover CNAME, asked together. What does not answer counts as absent:
    /// the domain then stays "unknown", never becomes Microsoft by a failure.
    async fn signs(&self, resolver: &TokioResolver, domain: &str) -> DomainSigns {
        let txt = resolver.txt_lookup(format!("{domain}."));
        let autodiscover = resolver.lookup(format!("autodiscover.{domain}."), RecordType::CNAME);
        let (txt, autodiscover) = tokio::join!(txt, autodiscover);
        DomainSigns {
            txt: txt
                .map(|t| {
                    t.iter()
                        .map(|r| {
                            r.txt_data()
                                .iter()
                                .map(|part| String::from_utf8_lossy(part).into_owned())
                                .collect::<String>()
                        })
                        .collect()
                })
                .unwrap_or_default(),
            autodiscover: autodiscover.ok().and_then(|l| {
                l.record_iter().find_map(|r| match r.data() {
                    RData::CNAME(c) => Some(c.0.to_utf8()),
                    _ => None,
                })
            }),
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
    fn new_exchange_online_mx_is_microsoft() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            classify_mx(&s(&["isar-wohnwerte-de.b-v1.mx.microsoft."])),
            MailboxKind::Microsoft365
        );
        assert!(matches!(
            classify_mx(&s(&["mx.microsoft.evil.example"])),
            MailboxKind::Unknown { .. }
        ));
        assert!(matches!(
            classify_mx(&s(&["notmx.microsoftx"])),
            MailboxKind::Unknown { .. }
        ));
    }

    #[test]
    fn a_filter_in_front_of_microsoft_is_seen_by_spf_or_autodiscover() {
        let mx = vec!["mx01.hornetsecurity.com".to_string()];
        let spf = |t: &str| DomainSigns {
            txt: vec!["google-site-verification=abc".into(), t.into()],
            autodiscover: None,
        };
        let behind = |gateway: Option<&str>| MailboxKind::Microsoft365BehindFilter {
            gateway: gateway.map(String::from),
            mx: mx.clone(),
        };
        assert_eq!(
            classify_unknown(
                mx.clone(),
                &spf(
                    "v=spf1 include:spf.hornetsecurity.com include:spf.protection.outlook.com -all"
                )
            ),
            behind(Some("Hornetsecurity"))
        );
        assert_eq!(
            classify_unknown(
                mx.clone(),
                &spf("V=SPF1 +include:SPF.protection.outlook.com ~all")
            ),
            behind(Some("Hornetsecurity")),
            "qualifier and case do not matter"
        );
        let cname = DomainSigns {
            txt: vec![],
            autodiscover: Some("Autodiscover.Outlook.com.".into()),
        };
        assert_eq!(
            classify_unknown(mx.clone(), &cname),
            behind(Some("Hornetsecurity"))
        );
        // A gateway we cannot name is still a filter in front of Microsoft.
        let other = vec!["in1.filter.example.net".to_string()];
        assert_eq!(
            classify_unknown(other.clone(), &cname),
            MailboxKind::Microsoft365BehindFilter {
                gateway: None,
                mx: other.clone()
            }
        );
        for (host, name) in [
            ("eu-smtp-inbound-1.mimecast.com", "Mimecast"),
            ("mx0a-001.pphosted.com", "Proofpoint"),
        ] {
            assert_eq!(
                classify_unknown(vec![host.into()], &cname),
                MailboxKind::Microsoft365BehindFilter {
                    gateway: Some(name.into()),
                    mx: vec![host.into()]
                }
            );
        }
        // No sign, or only look-alikes: still unknown.
        for signs in [
            DomainSigns::default(),
            spf("v=spf1 mx a -all"),
            spf("v=spf1 include:spf.protection.outlook.com.evil.example -all"),
            spf("spf.protection.outlook.com is where we send from"),
            DomainSigns {
                txt: vec![],
                autodiscover: Some("autodiscover.outlook.com.evil.example".into()),
            },
        ] {
            assert_eq!(
                classify_unknown(mx.clone(), &signs),
                MailboxKind::Unknown { mx: mx.clone() },
                "{signs:?}"
            );
        }
        assert!(behind(None).is_microsoft() && MailboxKind::Microsoft365.is_microsoft());
        assert!(!MailboxKind::OnOffice.is_microsoft());
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
