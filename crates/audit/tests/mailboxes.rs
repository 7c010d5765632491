//! The mailbox kind over real DNS (the sandbox's server on loopback): every kind of mail domain the sandbox
//! publishes, including Exchange Online's MX form since July 2026 and Microsoft 365 behind a filtering gateway,
//! which shows only in the domain's SPF record and autodiscover CNAME.

use audit::{MailboxClassifier, MailboxKind};
use onoffice_sandbox::dns::MailHostKind;
use onoffice_sandbox::{GenConfig, Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread")]
async fn every_published_mail_domain_gets_its_kind() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in [1, 2, 4, 5] {
        let generate = GenConfig {
            seed,
            users: 12,
            estates: 10,
            makler_variant: None,
            tenant: None,
        };
        let hosts = onoffice_sandbox::generate::generate(&generate).mail_hosts;
        let sb = Sandbox::start(SandboxConfig {
            generate,
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        let classifier = MailboxClassifier::with_server(sb.dns_addr);
        for (domain, host) in &hosts {
            let got = classifier.classify(&format!("anna@{domain}")).await;
            let expected = match host.kind {
                MailHostKind::Microsoft365 | MailHostKind::Microsoft365Since2026 => {
                    MailboxKind::Microsoft365
                }
                MailHostKind::GatewayToMicrosoft365 => MailboxKind::Microsoft365BehindFilter {
                    gateway: Some("Hornetsecurity".into()),
                    mx: vec![
                        "mx01.hornetsecurity.com".into(),
                        "mx02.hornetsecurity.com".into(),
                    ],
                },
                MailHostKind::OnOffice => MailboxKind::OnOffice,
                MailHostKind::SelfHosted => MailboxKind::Unknown {
                    mx: vec![format!("mail.{domain}")],
                },
                _ => {
                    assert!(got.is_external(), "{domain}: {got:?}");
                    continue;
                }
            };
            assert_eq!(got, expected, "{domain} ({:?}, seed {seed})", host.kind);
            seen.insert(format!("{:?}", host.kind));
        }
    }
    for kind in [
        "Microsoft365",
        "Microsoft365Since2026",
        "GatewayToMicrosoft365",
        "SelfHosted",
    ] {
        assert!(seen.contains(kind), "no seed published {kind}: {seen:?}");
    }
}
