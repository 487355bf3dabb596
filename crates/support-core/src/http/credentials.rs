//! Credentials, kept in `secrecy` types and exposed only where the header is built.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// How requests authenticate. `Debug` never shows a secret.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// No authentication header.
    None,
    /// HTTP Basic: `Authorization: Basic base64(username:password)`. Both parts are secret: some
    /// providers (Freshdesk) take the API key as the user name.
    Basic {
        /// User name (an e-mail, `{email}/token`, or an API key).
        username: SecretString,
        /// Password or API token.
        password: SecretString,
    },
    /// `Authorization: Bearer {token}`.
    Bearer(SecretString),
    /// A custom header carrying a secret (`X-API-Key: ...`), optionally with a scheme prefix.
    Header {
        /// The header.
        name: HeaderName,
        /// Text before the secret (`Token token=`, `Zoho-oauthtoken `), may be empty.
        prefix: String,
        /// The secret.
        secret: SecretString,
    },
}

impl Credentials {
    /// HTTP Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Basic {
            username: SecretString::from(username.into()),
            password: SecretString::from(password.into()),
        }
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials::Bearer(SecretString::from(token.into()))
    }

    /// A secret in a custom header.
    pub fn header(name: HeaderName, prefix: impl Into<String>, secret: impl Into<String>) -> Self {
        Credentials::Header {
            name,
            prefix: prefix.into(),
            secret: SecretString::from(secret.into()),
        }
    }

    /// The header to send, marked sensitive so that `reqwest` and `http` never print it. `None` when
    /// there is nothing to send or the secret holds bytes no header can carry.
    pub fn header_pair(&self) -> Option<(HeaderName, HeaderValue)> {
        let (name, value) = match self {
            Credentials::None => return None,
            Credentials::Basic { username, password } => {
                let raw = format!("{}:{}", username.expose_secret(), password.expose_secret());
                (AUTHORIZATION, format!("Basic {}", STANDARD.encode(raw)))
            }
            Credentials::Bearer(token) => {
                (AUTHORIZATION, format!("Bearer {}", token.expose_secret()))
            }
            Credentials::Header {
                name,
                prefix,
                secret,
            } => (name.clone(), format!("{prefix}{}", secret.expose_secret())),
        };
        let mut value = HeaderValue::from_str(&value).ok()?;
        value.set_sensitive(true);
        Some((name, value))
    }

    /// Which scheme these are, for logs and `Debug`.
    pub fn scheme(&self) -> &'static str {
        match self {
            Credentials::None => "none",
            Credentials::Basic { .. } => "basic",
            Credentials::Bearer(_) => "bearer",
            Credentials::Header { .. } => "header",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("Credentials::None"),
            Credentials::Basic { .. } => f
                .debug_struct("Credentials::Basic")
                .field("username", &"[REDACTED]")
                .field("password", &"[REDACTED]")
                .finish(),
            Credentials::Bearer(_) => f.write_str("Credentials::Bearer([REDACTED])"),
            Credentials::Header { name, .. } => f
                .debug_struct("Credentials::Header")
                .field("name", name)
                .field("secret", &"[REDACTED]")
                .finish(),
        }
    }
}

/// The credentials of an `Authorization` value in `scheme`: `Some("dXNlcjpwdw==")` for
/// `authorization_param("Basic dXNlcjpwdw==", "basic")`. The scheme is matched case-insensitively, as
/// HTTP authentication schemes are (RFC 9110, section 11.1): `Basic`, `BASIC` and `basic` are one
/// scheme. `None` for another scheme or no credentials.
pub fn authorization_param<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let value = value.trim_start();
    let split = value.find([' ', '\t'])?;
    let (name, rest) = value.split_at(split);
    let param = rest.trim();
    (name.eq_ignore_ascii_case(scheme) && !param.is_empty()).then_some(param)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_schemes_match_in_any_case() {
        for value in ["Basic abc=", "BASIC abc=", "basic  abc= ", "bAsIc\tabc="] {
            assert_eq!(
                authorization_param(value, "Basic"),
                Some("abc="),
                "{value:?}"
            );
        }
        assert_eq!(authorization_param("BEARER t0k", "bearer"), Some("t0k"));
        assert_eq!(authorization_param("Bearer t0k", "Basic"), None);
        assert_eq!(authorization_param("Basicabc=", "Basic"), None);
        assert_eq!(authorization_param("Basic ", "Basic"), None);
        assert_eq!(authorization_param("", "Basic"), None);
    }

    #[test]
    fn debug_never_shows_the_secret() {
        for creds in [
            Credentials::basic("me@example.com/token", "s3cr3t-token"),
            Credentials::basic("s3cr3t-api-key", "X"),
            Credentials::bearer("s3cr3t-token"),
            Credentials::header(HeaderName::from_static("x-api-key"), "", "s3cr3t-token"),
        ] {
            let shown = format!("{creds:?} {creds:#?}");
            assert!(!shown.contains("s3cr3t"), "{shown}");
            let (_, value) = creds.header_pair().unwrap();
            assert!(value.is_sensitive());
            assert!(!format!("{value:?}").contains("s3cr3t"));
        }
    }

    #[test]
    fn basic_encodes_user_and_password() {
        let (name, value) = Credentials::basic("agent@example.com/token", "abc")
            .header_pair()
            .unwrap();
        assert_eq!(name, AUTHORIZATION);
        assert_eq!(
            value.to_str().unwrap(),
            format!("Basic {}", STANDARD.encode("agent@example.com/token:abc"))
        );
    }

    #[test]
    fn a_secret_no_header_can_carry_yields_no_header() {
        assert!(Credentials::bearer("line\nbreak").header_pair().is_none());
    }
}
