//! Unit tests of `client`.

use super::*;

#[test]
fn base_url_rule() {
    for ok in [
        DEFAULT_BASE_URL,
        "https://api.onoffice.de/api/latest/api.php",
        "http://127.0.0.1:8080/api/stable/api.php",
        "http://[::1]:80/api/stable/api.php",
        "http://localhost:1/api/stable/api.php",
    ] {
        assert!(check_base_url(ok).is_ok(), "{ok}");
    }
    let hidden =
        check_base_url("https://user:geheim@api.onoffice.de/api/stable/api.php").unwrap_err();
    assert!(
        !format!("{hidden:?}{}{}", hidden.message_de(), hidden.message_en()).contains("geheim")
    );
    assert!(check_base_url("not a url")
        .unwrap_err()
        .message_de()
        .contains("Ungültige Adresse"));
    assert!(check_base_url("http://192.168.1.5/api.php")
        .unwrap_err()
        .message_de()
        .contains("nur https"));
    for bad in [
        "http://api.onoffice.de/api/stable/api.php",
        "http://192.168.1.5/api.php",
        "ftp://127.0.0.1/api.php",
        "file:///etc/passwd",
        "https://user:pw@api.onoffice.de/api/stable/api.php",
        "not a url",
        "http://127.0.0.1.evil.example/api.php",
    ] {
        let err = check_base_url(bad).unwrap_err();
        assert_eq!(err.class(), crate::ErrorClass::Configuration, "{bad}");
    }
}

#[test]
fn a_retry_waits_the_backoff_doubled_each_time_and_never_more_than_8_s() {
    let ms = |attempt| retry_wait(Duration::from_millis(300), attempt).as_millis();
    assert_eq!(
        [ms(1), ms(2), ms(3), ms(4), ms(5)],
        [300, 600, 1200, 2400, 4800]
    );
    assert_eq!(ms(6), 8000);
    assert_eq!(ms(40), 8000);
    assert_eq!(retry_wait(Duration::from_millis(10), 7).as_millis(), 320);
}
