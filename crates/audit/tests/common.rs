//! Shared helpers of the audit tests: a sandbox and an auditor connected to it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use audit::{
    AuditReport, Auditor, FindingKind, FixPlan, Journal, MailboxClassifier, MemorySettings,
    PlanChoices, ProgressSink,
};
use onoffice::{Client, Credentials};
use onoffice_sandbox::{GenConfig, Knobs, MaklerVariant, Sandbox, SandboxConfig};

pub async fn sandbox(
    seed: u64,
    users: usize,
    estates: usize,
    variant: Option<MaklerVariant>,
) -> Sandbox {
    Sandbox::start(SandboxConfig {
        generate: GenConfig {
            seed,
            users,
            estates,
            makler_variant: variant,
            tenant: None,
        },
        knobs: Knobs::default(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

/// A sandbox, an auditor on it, and its first audit.
pub async fn audited(
    seed: u64,
    users: usize,
    estates: usize,
    variant: Option<MaklerVariant>,
) -> (Sandbox, Auditor, AuditReport) {
    let sb = sandbox(seed, users, estates, variant).await;
    let auditor = auditor(&sb);
    let report = auditor.audit(&ProgressSink::default()).await.unwrap();
    (sb, auditor, report)
}

/// The plan for every finding of one kind, with no choices made.
pub fn plan_of(auditor: &Auditor, report: &AuditReport, kind: FindingKind) -> FixPlan {
    auditor.plan(report, |f| f.kind == kind, &PlanChoices::default())
}

pub fn auditor(sb: &Sandbox) -> Auditor {
    auditor_with(sb, |b| b)
}

pub fn auditor_with(
    sb: &Sandbox,
    tune: impl FnOnce(onoffice::ClientBuilder) -> onoffice::ClientBuilder,
) -> Auditor {
    let c = &sb.connection;
    let builder = Client::builder(Credentials::new(&c.token, &c.secret).unwrap())
        .base_url(&c.url)
        .backoff(Duration::from_millis(5))
        .timeout(Duration::from_secs(5));
    Auditor::new(
        tune(builder).build().unwrap(),
        Arc::new(MailboxClassifier::with_server(sb.dns_addr)),
        Arc::new(MemorySettings::default()),
        Arc::new(Journal::in_memory()),
    )
}

pub fn pairs(
    it: impl Iterator<Item = (impl ToString, impl ToString)>,
) -> BTreeSet<(String, String)> {
    it.map(|(k, s)| (k.to_string(), s.to_string())).collect()
}

pub fn diff(got: &BTreeSet<(String, String)>, want: &BTreeSet<(String, String)>) -> String {
    let miss: Vec<_> = want.difference(got).collect();
    let extra: Vec<_> = got.difference(want).collect();
    format!("missed: {miss:?}\nfalse alarms: {extra:?}")
}
