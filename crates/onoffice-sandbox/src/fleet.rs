//! Many agencies in one sandbox (`onoffice-sandbox --accounts N`), as support sees them: one API address, one
//! account per token, agencies of different seeds, sizes and Makler variants, and a few with planted failures (a
//! revoked token, a missing right, credentials support never got, an account whose requests hang). It writes the
//! accounts file `oo-check --all-accounts` reads and names the environment variables with each one's token and
//! secret; `/_sandbox/planted` names, per account, what is planted.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use onoffice_protocol::accounts_file;
use onoffice_protocol::lock::Unpoisoned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::generate::{self, GenConfig, Generated, Planted};
use crate::server::{self, FaultKind, Knobs, Shared};

/// How to start a fleet.
#[derive(Clone, Debug)]
pub struct FleetConfig {
    pub accounts: usize,
    /// The fleet's seed: each agency's seed, size and failure follow from it and the agency's number.
    pub seed: u64,
    /// The knobs of every agency (the hanging one stalls on top).
    pub knobs: Knobs,
    /// Plant failures (revoked token, missing right, missing credentials, a hanging account).
    pub failures: bool,
    pub port: u16,
    pub dns_port: u16,
}

impl Default for FleetConfig {
    fn default() -> Self {
        FleetConfig {
            accounts: 20,
            seed: 1,
            knobs: Knobs::default(),
            failures: true,
            port: 0,
            dns_port: 0,
        }
    }
}

/// A failure planted in one agency: what support's run must report for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantFailure {
    /// The token support has was revoked: onOffice answers "Not authenticated".
    RevokedToken,
    /// The API user lacks the right "Benutzerdaten über API auslesen".
    MissingRight,
    /// Support never got this agency's token and secret: no variables for it.
    MissingCredentials,
    /// Every request hangs until long after any sensible timeout.
    Hangs,
}

/// What one agency is made of (pure: follows from the fleet's seed and the agency's index).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantPlan {
    /// 1-based; goes into the agency's name and domains.
    pub number: u32,
    pub seed: u64,
    pub users: usize,
    pub estates: usize,
    pub failure: Option<TenantFailure>,
}

/// The agencies of a fleet: mostly small, every 50th large; in every 25 one revoked token and one missing right,
/// in every 50 one agency without credentials; one hanging agency (the 18th).
pub fn plan(config: &FleetConfig) -> Vec<TenantPlan> {
    (0..config.accounts)
        .map(|i| {
            let seed = config.seed.wrapping_mul(1000).wrapping_add(i as u64 + 1);
            let mut rng = generate::Rng::new(seed);
            let (users, estates) = if i % 50 == 49 {
                (40 + rng.below(20), 1500 + rng.below(1000))
            } else {
                (3 + rng.below(25), 10 + rng.below(300))
            };
            let failure = match (config.failures, i % 25, i % 50, i) {
                (false, ..) => None,
                (_, _, _, 17) => Some(TenantFailure::Hangs),
                (_, 3, ..) => Some(TenantFailure::RevokedToken),
                (_, 7, ..) => Some(TenantFailure::MissingRight),
                (_, _, 11, _) => Some(TenantFailure::MissingCredentials),
                _ => None,
            };
            TenantPlan {
                number: i as u32 + 1,
                seed,
                users,
                estates,
                failure,
            }
        })
        .collect()
}

/// One agency of the fleet.
pub struct Tenant {
    pub name: String,
    pub plan: TenantPlan,
    pub shared: Arc<Shared>,
    /// Token and secret support was given (a revoked token is not the account's), `None` when it got none.
    pub given: Option<(String, String)>,
}

/// A running fleet. Dropping it stops the HTTP server.
pub struct Fleet {
    pub tenants: Arc<Vec<Tenant>>,
    pub url: String,
    pub http_addr: SocketAddr,
    pub dns_addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Fleet {
    /// Generates every agency (on all cores) and serves them on one address, with one DNS server for their domains.
    pub async fn start(config: FleetConfig) -> std::io::Result<Fleet> {
        let plans = plan(&config);
        let generated = generate_all(&plans);
        let mut hosts = BTreeMap::new();
        for g in &generated {
            hosts.extend(g.mail_hosts.clone());
        }
        let dns_addr = crate::dns::start(&hosts, config.dns_port).await?;
        let tenants: Vec<Tenant> = plans
            .into_iter()
            .zip(generated)
            .map(|(plan, g)| tenant(plan, g, &config.knobs))
            .collect();
        let tenants = Arc::new(tenants);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let http_addr = listener.local_addr()?;
        let app = router(tenants.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Fleet {
            tenants,
            url: format!("http://{http_addr}/api/stable/api.php"),
            http_addr,
            dns_addr,
            task,
        })
    }

    /// The accounts file `oo-check --accounts` reads: names and the API address, never a token.
    pub fn accounts_file(&self) -> Value {
        let accounts: Vec<Value> = self
            .tenants
            .iter()
            .map(|t| json!({"name": t.name, "api_url": self.url}))
            .collect();
        json!({ "accounts": accounts })
    }

    /// `ONOFFICE_TOKEN_<NAME>` and `ONOFFICE_SECRET_<NAME>` of every agency support has credentials for.
    pub fn env(&self) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        for t in self.tenants.iter() {
            if let Some((token, secret)) = &t.given {
                env.insert(accounts_file::token_var(&t.name), token.clone());
                env.insert(accounts_file::secret_var(&t.name), secret.clone());
            }
        }
        env
    }

    /// Per agency: its failure, if one is planted, and its planted findings.
    pub fn planted(&self) -> Value {
        planted_of(&self.tenants)
    }
}

/// Generates the agencies of `plans` on every core, in plan order.
fn generate_all(plans: &[TenantPlan]) -> Vec<Generated> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = plans.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = plans
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(generate_one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn generate_one(plan: &TenantPlan) -> Generated {
    let mut g = generate::generate(&GenConfig {
        seed: plan.seed,
        users: plan.users,
        estates: plan.estates,
        makler_variant: None,
        tenant: Some(plan.number),
    });
    g.account.can_read_users = plan.failure != Some(TenantFailure::MissingRight);
    g
}

fn tenant(plan: TenantPlan, generated: Generated, knobs: &Knobs) -> Tenant {
    let name = generated.account.agency.clone();
    let (token, secret) = crate::credentials_of(plan.seed);
    let given = match plan.failure {
        Some(TenantFailure::MissingCredentials) => None,
        // A token onOffice no longer knows (the agency revoked it), of the right shape.
        Some(TenantFailure::RevokedToken) => Some((token.chars().rev().collect(), secret.clone())),
        _ => Some((token.clone(), secret.clone())),
    };
    let mut knobs = knobs.clone();
    if plan.failure == Some(TenantFailure::Hangs) {
        knobs.fault_rate = 1.0;
        knobs.faults = vec![FaultKind::Stall];
    }
    let shared = Arc::new(Shared::new(generated, plan.seed, (token, secret), knobs));
    Tenant {
        name,
        plan,
        shared,
        given,
    }
}

fn planted_of(tenants: &[Tenant]) -> Value {
    let accounts: Vec<Value> = tenants
        .iter()
        .map(|t| {
            let planted: Vec<Planted> = t.shared.planted.read_guard().iter().cloned().collect();
            json!({"name": t.name, "failure": t.plan.failure, "planted": planted})
        })
        .collect();
    json!({ "accounts": accounts })
}

type Tenants = Arc<Vec<Tenant>>;

fn router(tenants: Tenants) -> Router {
    Router::new()
        .route("/api/{version}/api.php", post(api))
        .route("/_sandbox/planted", get(planted))
        .route("/_sandbox/stats", get(stats))
        .route("/_sandbox/advance", post(advance))
        .with_state(tenants)
}

/// The token names the account; an unknown token is answered as onOffice does ("Not authenticated").
async fn api(State(t): State<Tenants>, Path(version): Path<String>, body: Bytes) -> Response {
    let token = token_of(&body);
    let by_token: Option<&Tenant> = token
        .as_deref()
        .and_then(|token| t.iter().find(|x| x.shared.token == token));
    match by_token {
        Some(tenant) => server::serve(&tenant.shared, &version, body).await,
        None if version != "stable" && version != "latest" => {
            (axum::http::StatusCode::NOT_FOUND, "Not Found").into_response()
        }
        None => server::envelope_response(server::root_error(400, 22, "Not authenticated"), false),
    }
}

fn token_of(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct TokenOnly {
        token: Option<String>,
    }
    match serde_json::from_slice::<TokenOnly>(body) {
        Ok(t) => t.token,
        Err(_) => server::parse_body(body)?
            .get("token")?
            .as_str()
            .map(str::to_owned),
    }
}

async fn planted(State(t): State<Tenants>) -> Json<Value> {
    Json(planted_of(&t))
}

async fn stats(State(t): State<Tenants>) -> Json<Value> {
    use std::sync::atomic::Ordering;
    let sum = |f: fn(&Shared) -> u64| t.iter().map(|x| f(&x.shared)).sum::<u64>();
    Json(json!({
        "requests": sum(|s| s.requests.load(Ordering::SeqCst)),
        "actions": sum(|s| s.actions.load(Ordering::SeqCst)),
    }))
}

/// Days pass in every agency: `{"days": N}` (1 to 60).
async fn advance(State(t): State<Tenants>, body: Bytes) -> Response {
    let days = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("days").and_then(Value::as_u64))
        .unwrap_or(1);
    if !(1..=60).contains(&days) {
        return (axum::http::StatusCode::BAD_REQUEST, "days: 1 to 60").into_response();
    }
    let by_name: HashMap<&str, usize> = t
        .iter()
        .map(|x| {
            (
                x.name.as_str(),
                x.shared.advance(days as u32).new_listings.len(),
            )
        })
        .collect();
    Json(json!({ "new_listings": by_name })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_mixes_sizes_and_plants_each_failure() {
        let plans = plan(&FleetConfig {
            accounts: 200,
            ..FleetConfig::default()
        });
        assert_eq!(plans.len(), 200);
        let count = |f: TenantFailure| plans.iter().filter(|p| p.failure == Some(f)).count();
        assert_eq!(count(TenantFailure::Hangs), 1, "one hanging account");
        assert_eq!(count(TenantFailure::RevokedToken), 8);
        assert_eq!(count(TenantFailure::MissingRight), 8);
        assert_eq!(count(TenantFailure::MissingCredentials), 4);
        assert_eq!(plans.iter().filter(|p| p.estates >= 1500).count(), 4);
        let mut seeds: Vec<u64> = plans.iter().map(|p| p.seed).collect();
        seeds.dedup();
        assert_eq!(seeds.len(), 200, "every agency its own seed");
        let variants: std::collections::BTreeSet<u64> = plans.iter().map(|p| p.seed % 5).collect();
        assert_eq!(variants.len(), 5, "every Makler variant");
        let none = plan(&FleetConfig {
            accounts: 30,
            failures: false,
            ..FleetConfig::default()
        });
        assert!(none.iter().all(|p| p.failure.is_none()));
    }
}
