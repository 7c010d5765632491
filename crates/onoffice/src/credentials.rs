//! API credentials: the 32-character token and the 64-character secret of an onOffice API user.
//! They are checked before any request is sent. The secret never shows up in `Debug` or `Display` output.

use std::fmt;

use crate::error::{CredentialField, Error};

/// Length of an onOffice API token (onOffice docs, "allgemeine Hinweise").
pub const TOKEN_LEN: usize = 32;
/// Length of an onOffice API secret.
pub const SECRET_LEN: usize = 64;

/// The API token. Not secret on its own (it travels in every request), but still shortened in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// The API secret: the HMAC key. It is never sent and never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Token {
    /// Checks and wraps a token; surrounding whitespace (as pasted) is trimmed.
    pub fn new(raw: &str) -> Result<Self, Error> {
        let value = raw.trim();
        check_shape(value, TOKEN_LEN, CredentialField::Token)?;
        Ok(Token(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Secret {
    /// Checks and wraps a secret; surrounding whitespace (as pasted) is trimmed.
    pub fn new(raw: &str) -> Result<Self, Error> {
        let value = raw.trim();
        check_shape(value, SECRET_LEN, CredentialField::Secret)?;
        Ok(Secret(value.to_owned()))
    }

    /// The secret's bytes, for the HMAC key only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn check_shape(value: &str, expected: usize, field: CredentialField) -> Result<(), Error> {
    let actual = value.chars().count();
    if actual == 0 {
        return Err(Error::Credentials {
            field,
            problem: crate::error::CredentialProblem::Empty,
        });
    }
    if actual != expected {
        return Err(Error::Credentials {
            field,
            problem: crate::error::CredentialProblem::Length { expected, actual },
        });
    }
    if !value.chars().all(|c| c.is_ascii_graphic()) {
        return Err(Error::Credentials {
            field,
            problem: crate::error::CredentialProblem::Characters,
        });
    }
    Ok(())
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Enough to tell two tokens apart in a log, not enough to use one.
        write!(f, "Token({}…)", &self.0[..4.min(self.0.len())])
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Token and secret together, both already checked.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub token: Token,
    pub secret: Secret,
}

impl Credentials {
    /// Checks both values; the error names the one that looks wrong (the token first).
    pub fn new(token: &str, secret: &str) -> Result<Self, Error> {
        Ok(Credentials {
            token: Token::new(token)?,
            secret: Secret::new(secret)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";
    const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn accepts_well_formed_and_trims_paste_whitespace() {
        let c = Credentials::new(&format!("  {TOKEN}\n"), &format!("\t{SECRET} ")).unwrap();
        assert_eq!(c.token.as_str(), TOKEN);
        assert_eq!(c.secret.expose(), SECRET);
    }

    #[test]
    fn names_the_wrong_field() {
        let err = Credentials::new("short", SECRET).unwrap_err();
        assert!(matches!(
            err,
            Error::Credentials {
                field: CredentialField::Token,
                ..
            }
        ));
        let err = Credentials::new(TOKEN, &SECRET[..63]).unwrap_err();
        match err {
            Error::Credentials {
                field: CredentialField::Secret,
                problem: crate::error::CredentialProblem::Length { expected, actual },
            } => {
                assert_eq!((expected, actual), (64, 63));
            }
            other => panic!("unexpected {other:?}"),
        }
        // Token and secret swapped: the token is checked first and named.
        let err = Credentials::new(SECRET, TOKEN).unwrap_err();
        assert!(err.message_de().contains("Token"), "{}", err.message_de());
        let err = Credentials::new(TOKEN, "").unwrap_err();
        assert!(err.message_de().contains("Secret"));
        let inner_space = format!("{} {}", &TOKEN[..15], &TOKEN[16..]);
        assert!(Credentials::new(&inner_space, SECRET).is_err());
    }

    #[test]
    fn secret_never_printed() {
        let c = Credentials::new(TOKEN, SECRET).unwrap();
        let shown = format!("{c:?} {} {:?}", c.secret, c.secret);
        assert!(!shown.contains(SECRET));
        assert!(!shown.contains(&SECRET[..16]));
        assert!(!shown.contains(TOKEN));
    }
}
