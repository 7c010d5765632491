//! A DNS server on a loopback UDP port that answers for the sandbox's mail domains what real domains publish: MX, TXT
//! (SPF) and the `autodiscover` CNAME, so the mailbox check runs against real DNS in tests and in the demo. Unknown
//! names get NXDOMAIN; it never forwards anything.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::str::FromStr;

use hickory_proto::op::{Header, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{CNAME, MX, TXT};
use hickory_proto::rr::{LowerName, Name, RData, Record, RecordType};
use hickory_server::authority::MessageResponseBuilder;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::ServerFuture;
use serde::Serialize;
use tokio::net::UdpSocket;

/// Who runs the mail of a domain, as its MX records show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailHostKind {
    /// Exchange Online with the MX form `<domain>.mail.protection.outlook.com`.
    Microsoft365,
    /// Exchange Online for domains added since July 2026: `<domain>.<zone>.mx.microsoft`.
    Microsoft365Since2026,
    /// A filtering gateway (Hornetsecurity) in front of Exchange Online: the MX names the gateway, SPF and
    /// autodiscover still show Microsoft.
    GatewayToMicrosoft365,
    OnOffice,
    Google,
    Ionos,
    Strato,
    UnitedInternet,
    TOnline,
    SelfHosted,
}

/// What DNS publishes for one mail domain.
#[derive(Clone, Debug, Serialize)]
pub struct MailHost {
    pub kind: MailHostKind,
    pub mx: Vec<(u16, String)>,
    /// TXT records of the domain (its SPF record).
    pub txt: Vec<String>,
    /// The target of `autodiscover.<domain>` (CNAME), if the domain has one.
    pub autodiscover: Option<String>,
}

const MICROSOFT_SPF: &str = "v=spf1 include:spf.protection.outlook.com -all";
const MICROSOFT_AUTODISCOVER: &str = "autodiscover.outlook.com";

impl MailHost {
    /// The records a domain of this kind really has.
    pub fn for_domain(domain: &str, kind: MailHostKind) -> Self {
        let dashed = domain.replace('.', "-");
        let microsoft = matches!(
            kind,
            MailHostKind::Microsoft365
                | MailHostKind::Microsoft365Since2026
                | MailHostKind::GatewayToMicrosoft365
        );
        let txt = match kind {
            MailHostKind::GatewayToMicrosoft365 => vec![
                "v=spf1 include:spf.hornetsecurity.com include:spf.protection.outlook.com -all"
                    .into(),
            ],
            _ if microsoft => vec![MICROSOFT_SPF.into()],
            MailHostKind::SelfHosted => vec!["v=spf1 mx -all".into()],
            _ => vec![],
        };
        let autodiscover = microsoft.then(|| MICROSOFT_AUTODISCOVER.to_string());
        let mx: Vec<(u16, String)> = match kind {
            MailHostKind::Microsoft365 => {
                vec![(0, format!("{dashed}.mail.protection.outlook.com"))]
            }
            MailHostKind::Microsoft365Since2026 => vec![(0, format!("{dashed}.b-v1.mx.microsoft"))],
            MailHostKind::GatewayToMicrosoft365 => vec![
                (10, "mx01.hornetsecurity.com".into()),
                (20, "mx02.hornetsecurity.com".into()),
            ],
            MailHostKind::OnOffice => vec![
                (10, "mx1.onoffice.de".into()),
                (20, "mx2.onoffice.de".into()),
            ],
            MailHostKind::Google => vec![
                (1, "aspmx.l.google.com".into()),
                (5, "alt1.aspmx.l.google.com".into()),
            ],
            MailHostKind::Ionos => vec![(10, "mx00.ionos.de".into()), (10, "mx01.ionos.de".into())],
            MailHostKind::Strato => vec![(5, "smtpin.rzone.de".into())],
            MailHostKind::UnitedInternet => match domain {
                "web.de" => vec![
                    (100, "mx-ha03.web.de".into()),
                    (100, "mx-ha02.web.de".into()),
                ],
                _ => vec![(10, "mx00.gmx.net".into()), (10, "mx01.gmx.net".into())],
            },
            MailHostKind::TOnline => vec![(10, "mx00.t-online.de".into())],
            MailHostKind::SelfHosted => vec![(10, format!("mail.{domain}"))],
        };
        MailHost {
            kind,
            mx,
            txt,
            autodiscover,
        }
    }
}

/// Sends a response; a failed send is reported as SERVFAIL to the server loop.
macro_rules! send {
    ($handle:expr, $response:expr) => {
        match $handle.send_response($response).await {
            Ok(info) => info,
            Err(_) => {
                let mut header = Header::new();
                header.set_response_code(ResponseCode::ServFail);
                header.into()
            }
        }
    };
}

/// What one name answers: MX and TXT records (a mail domain), or a CNAME (its `autodiscover` name).
#[derive(Default)]
struct Zone {
    mx: Vec<(u16, Name)>,
    txt: Vec<String>,
    cname: Option<Name>,
}

struct MxHandler {
    zones: BTreeMap<LowerName, Zone>,
}

#[async_trait::async_trait]
impl RequestHandler for MxHandler {
    async fn handle_request<R: ResponseHandler>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let builder = MessageResponseBuilder::from_message_request(request);
        let mut header = Header::response_from_request(request.header());
        header.set_authoritative(true);
        header.set_message_type(MessageType::Response);
        let info = match request.request_info() {
            Ok(info) => info,
            Err(_) => {
                let response = builder.error_msg(request.header(), ResponseCode::FormErr);
                return send!(response_handle, response);
            }
        };
        if request.op_code() != OpCode::Query {
            let response = builder.error_msg(request.header(), ResponseCode::NotImp);
            return send!(response_handle, response);
        }
        let qname = info.query.name().clone();
        let qtype = info.query.query_type();
        let Some(zone) = self.zones.get(&qname) else {
            header.set_response_code(ResponseCode::NXDomain);
            let response = builder.build_no_records(header);
            return send!(response_handle, response);
        };
        let name = Name::from(qname.clone());
        let record = |data: RData| Record::from_rdata(name.clone(), 300, data);
        let any = qtype == RecordType::ANY;
        let records: Vec<Record> = if let Some(target) = &zone.cname {
            // A CNAME answers every type of query for its name.
            vec![record(RData::CNAME(CNAME(target.clone())))]
        } else {
            let mut records = Vec::new();
            if qtype == RecordType::MX || any {
                records.extend(
                    zone.mx
                        .iter()
                        .map(|(pref, host)| record(RData::MX(MX::new(*pref, host.clone())))),
                );
            }
            if qtype == RecordType::TXT || any {
                records.extend(
                    zone.txt
                        .iter()
                        .map(|t| record(RData::TXT(TXT::new(vec![t.clone()])))),
                );
            }
            records
        };
        let response = builder.build(header, records.iter(), &[], &[], &[]);
        send!(response_handle, response)
    }
}

/// Starts the DNS server on `127.0.0.1:port` (0 = any free port) and returns its address.
pub async fn start(hosts: &BTreeMap<String, MailHost>, port: u16) -> std::io::Result<SocketAddr> {
    let fqdn = |n: &str| Name::from_str(&format!("{n}.")).map_err(std::io::Error::other);
    let mut zones = BTreeMap::new();
    for (domain, host) in hosts {
        let mx = host
            .mx
            .iter()
            .map(|(p, h)| Ok((*p, fqdn(h)?)))
            .collect::<std::io::Result<Vec<_>>>()?;
        let zone = Zone {
            mx,
            txt: host.txt.clone(),
            cname: None,
        };
        zones.insert(LowerName::from(&fqdn(domain)?), zone);
        if let Some(target) = &host.autodiscover {
            let zone = Zone {
                cname: Some(fqdn(target)?),
                ..Zone::default()
            };
            zones.insert(
                LowerName::from(&fqdn(&format!("autodiscover.{domain}"))?),
                zone,
            );
        }
    }
    let socket = UdpSocket::bind(("127.0.0.1", port)).await?;
    let addr = socket.local_addr()?;
    let mut server = ServerFuture::new(MxHandler { zones });
    server.register_socket(socket);
    tokio::spawn(async move {
        let _ = server.block_until_done().await;
    });
    Ok(addr)
}
