//! Office networks: a proxy that wants a login and a certificate this PC does not trust (a TLS-inspecting proxy whose
//! root is missing) each get their own clear message, not "onOffice ist nicht erreichbar", and nothing is retried or
//! sent to onOffice. A network that is down still says so.

use std::sync::Arc;
use std::time::Duration;

use onoffice::{api, Blocker, Client, Credentials, Error, ErrorClass};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn credentials() -> Credentials {
    Credentials::new(&"a".repeat(32), &"b".repeat(64)).unwrap()
}

fn client(base_url: &str, proxy: Option<&str>) -> Client {
    let mut b = Client::builder(credentials())
        .base_url(base_url)
        .timeout(Duration::from_secs(5))
        .max_retries(2)
        .backoff(Duration::from_millis(10));
    if let Some(p) = proxy {
        b = b.proxy(p);
    }
    b.build().unwrap()
}

/// A proxy that answers every request (CONNECT too) with 407 and counts them.
async fn proxy_wanting_a_login() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                let _ = sock
                    .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"office\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

fn assert_blocked(e: &Error, by: Blocker) {
    match e {
        Error::Blocked { by: b, .. } => assert_eq!(*b, by, "{e:?}"),
        other => panic!("expected {by:?}, got {other:?}"),
    }
    assert_eq!(e.class(), ErrorClass::Configuration);
    assert!(
        !e.message_de().contains("nicht erreichbar"),
        "{}",
        e.message_de()
    );
    assert!(e.message_de().contains("IT"), "{}", e.message_de());
    assert!(
        e.message_de().contains("nichts gesendet"),
        "{}",
        e.message_de()
    );
}

#[tokio::test]
async fn a_proxy_that_wants_a_login_is_named_for_https() {
    let (proxy, seen) = proxy_wanting_a_login().await;
    let c = client("https://api.onoffice.de/api/stable/api.php", Some(&proxy));
    let e = c
        .read_addresses_by_id(&[1], &["Name"])
        .await
        .expect_err("the proxy refuses");
    assert_blocked(&e, Blocker::Proxy);
    assert!(e.message_de().contains("Proxy"), "{}", e.message_de());
    // Not retried: trying again does not help.
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_proxy_that_wants_a_login_is_named_for_plain_http_too() {
    let (proxy, _) = proxy_wanting_a_login().await;
    let c = client("http://localhost:9/api.php", Some(&proxy));
    let e = c.read_addresses_by_id(&[1], &["Name"]).await.unwrap_err();
    assert_blocked(&e, Blocker::Proxy);
}

#[tokio::test]
async fn a_certificate_this_pc_does_not_trust_is_named() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handshakes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // The client gives up during the handshake; nothing of the request arrives.
                let _ = acceptor.accept(sock).await;
            });
        }
    });
    let c = client(&format!("https://localhost:{port}/api.php"), None);
    let e = c.read_addresses_by_id(&[1], &["Name"]).await.unwrap_err();
    assert_blocked(&e, Blocker::Certificate);
    assert!(e.message_de().contains("Zertifikat"), "{}", e.message_de());
    assert_eq!(handshakes.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_network_that_is_down_still_says_so() {
    // Nothing listens on this port.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let c = client(&format!("http://127.0.0.1:{port}/api.php"), None);
    let e = c
        .execute(vec![api::actions::read_users(&["Name"])])
        .await
        .pop()
        .unwrap()
        .unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(
        e.message_de().contains("nicht erreichbar"),
        "{}",
        e.message_de()
    );
}

#[tokio::test]
async fn a_refused_connection_is_tried_again_after_the_backoff() {
    // Nothing reached onOffice, so a read is sent again: twice here, after 200 and 400 ms (a wait is never shorter).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let c = Client::builder(credentials())
        .base_url(&format!("http://127.0.0.1:{port}/api.php"))
        .max_retries(2)
        .backoff(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = c.read_users(&["Name"]).await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(c.counters().0, 3, "the first try and two retries");
}
