//! A DNS server on a loopback UDP port that answers MX queries for the sandbox's mail domains, so the mailbox check
//! runs against real DNS in tests and in the demo. Unknown names get NXDOMAIN; it never forwards anything.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::str::FromStr;

use hickory_proto::op::{Header, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::MX;
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
    Microsoft365,
    OnOffice,
    Google,
    Ionos,
    Strato,
    UnitedInternet,
    TOnline,
    SelfHosted,
}

/// The MX records of one domain.
#[derive(Clone, Debug, Serialize)]
pub struct MailHost {
    pub kind: MailHostKind,
    pub mx: Vec<(u16, String)>,
}

impl MailHost {
    /// The MX records a domain of this kind really has.
    pub fn for_domain(domain: &str, kind: MailHostKind) -> Self {
        let dashed = domain.replace('.', "-");
        let mx: Vec<(u16, String)> = match kind {
            MailHostKind::Microsoft365 => {
                vec![(0, format!("{dashed}.mail.protection.outlook.com"))]
            }
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
        MailHost { kind, mx }
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

struct MxHandler {
    zones: BTreeMap<LowerName, Vec<(u16, Name)>>,
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
        let Some(mx) = self.zones.get(&qname) else {
            header.set_response_code(ResponseCode::NXDomain);
            let response = builder.build_no_records(header);
            return send!(response_handle, response);
        };
        let records: Vec<Record> = if qtype == RecordType::MX || qtype == RecordType::ANY {
            mx.iter()
                .map(|(pref, host)| {
                    Record::from_rdata(
                        Name::from(qname.clone()),
                        300,
                        RData::MX(MX::new(*pref, host.clone())),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        let response = builder.build(header, records.iter(), &[], &[], &[]);
        send!(response_handle, response)
    }
}

/// Starts the DNS server on `127.0.0.1:port` (0 = any free port) and returns its address.
pub async fn start(hosts: &BTreeMap<String, MailHost>, port: u16) -> std::io::Result<SocketAddr> {
    let mut zones = BTreeMap::new();
    for (domain, host) in hosts {
        let name = Name::from_str(&format!("{domain}.")).map_err(std::io::Error::other)?;
        let mx = host
            .mx
            .iter()
            .map(|(p, h)| {
                Ok((
                    *p,
                    Name::from_str(&format!("{h}.")).map_err(std::io::Error::other)?,
                ))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        zones.insert(LowerName::from(&name), mx);
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
