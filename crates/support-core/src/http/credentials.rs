//! Credentials, kept in `secrecy` types and exposed only where the header is built.

use std::borrow::Cow;
use std::fmt;

use aho_corasick::{AhoCorasick, MatchKind};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::oauth::TokenSource;

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
    /// OAuth 2.0 access tokens from a [`TokenSource`], fetched and renewed as needed and sent as
    /// `Authorization: Bearer {token}` by [`HttpRuntime::execute`](super::HttpRuntime::execute).
    OAuth(TokenSource),
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

    /// OAuth 2.0 tokens from `source` (see [`TokenSource`]).
    pub fn oauth(source: TokenSource) -> Self {
        Credentials::OAuth(source)
    }

    /// Whether these credentials can be sent: a secret that no header can carry cannot.
    pub fn is_sendable(&self) -> bool {
        matches!(self, Credentials::None | Credentials::OAuth(_)) || self.header_pair().is_some()
    }

    /// The header to send, marked sensitive so that `reqwest` and `http` never print it. `None` when
    /// there is nothing to send or the secret holds bytes no header can carry, and for OAuth, whose
    /// header the runtime adds to each attempt with the current token.
    pub fn header_pair(&self) -> Option<(HeaderName, HeaderValue)> {
        let (name, value) = match self {
            Credentials::None | Credentials::OAuth(_) => return None,
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

    /// Every spelling of these credentials that must not show in an error or a log: the header
    /// value, each secret, and their encodings (see [`Redactor`]).
    pub fn redactor(&self) -> Redactor {
        let mut redactor = Redactor::default();
        match self {
            Credentials::None => {}
            Credentials::Basic { username, password } => {
                let (user, pass) = (username.expose_secret(), password.expose_secret());
                redactor.add(&format!("{user}:{pass}"));
                redactor.add(user);
                redactor.add(pass);
            }
            Credentials::Bearer(token) => redactor.add(token.expose_secret()),
            Credentials::Header { secret, .. } => redactor.add(secret.expose_secret()),
            Credentials::OAuth(source) => return (*source.redactor()).clone(),
        }
        redactor
    }

    /// Which scheme these are, for logs and `Debug`.
    pub fn scheme(&self) -> &'static str {
        match self {
            Credentials::None => "none",
            Credentials::Basic { .. } => "basic",
            Credentials::Bearer(_) => "bearer",
            Credentials::Header { .. } => "header",
            Credentials::OAuth(_) => "oauth",
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
            Credentials::OAuth(source) => {
                f.debug_tuple("Credentials::OAuth").field(source).finish()
            }
        }
    }
}

/// What replaces a secret in text taken from a provider.
pub const REDACTED: &str = "[REDACTED]";

/// Spellings shorter than this are not redacted on their own: they cannot be told from ordinary text
/// (Freshdesk's Basic password is `X`). They are still redacted inside longer forms (the Basic
/// `user:password` pair and its base64).
const MIN_REDACTED_LEN: usize = 4;

/// Removes secrets from text a provider sent (an error body, a message, a code), which may echo the
/// request's `Authorization` header or the token itself.
///
/// Each secret is looked for raw and in the encodings it travels in: base64 (standard and URL-safe,
/// with and without padding, as a Basic header carries it), percent-encoded, and with `/` written
/// `\/` as JSON may escape it. `Debug` never shows a secret.
///
/// ```
/// use support_core::http::Credentials;
///
/// let redactor = Credentials::basic("agent@acme.example/token", "s3cr3t-t0ken").redactor();
/// let body = r#"{"error":"bad header Basic YWdlbnRAYWNtZS5leGFtcGxlL3Rva2VuOnMzY3IzdC10MGtlbg=="}"#;
/// assert_eq!(redactor.redact(body), r#"{"error":"bad header Basic [REDACTED]"}"#);
/// assert_eq!(redactor.redact("token s3cr3t-t0ken"), "token [REDACTED]");
/// ```
#[derive(Clone, Default)]
pub struct Redactor {
    /// Longest first, so that a form containing a shorter one is replaced whole.
    forms: Vec<SecretString>,
    /// Every form at once, so that a text is searched in one pass whatever the number of forms;
    /// at a place where several match, the longest is replaced.
    matcher: Option<AhoCorasick>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor([REDACTED; {}])", self.forms.len())
    }
}

impl Redactor {
    /// Also redacts `secret` and its encodings.
    pub fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let bytes = secret.as_bytes();
        let mut forms = vec![
            secret.to_owned(),
            STANDARD.encode(bytes),
            STANDARD_NO_PAD.encode(bytes),
            URL_SAFE.encode(bytes),
            URL_SAFE_NO_PAD.encode(bytes),
            percent_encoded(secret),
        ];
        let escaped: Vec<String> = forms
            .iter()
            .filter(|form| form.contains('/'))
            .map(|form| form.replace('/', "\\/"))
            .collect();
        forms.extend(escaped);
        for form in forms {
            if form.chars().count() >= MIN_REDACTED_LEN
                && !self.forms.iter().any(|known| known.expose_secret() == form)
            {
                self.forms.push(SecretString::from(form));
            }
        }
        self.forms
            .sort_by_key(|form| std::cmp::Reverse(form.expose_secret().len()));
        self.matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(
                self.forms
                    .iter()
                    .map(|form| form.expose_secret().as_bytes()),
            )
            .ok();
    }

    /// Whether there is nothing to redact.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// `text` with every spelling of every secret replaced by [`REDACTED`].
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.matcher {
            Some(matcher) if matcher.is_match(text) => {
                let mut clean = String::with_capacity(text.len());
                matcher.replace_all_with(text, &mut clean, |_, _, out| {
                    out.push_str(REDACTED);
                    true
                });
                Cow::Owned(clean)
            }
            _ => Cow::Borrowed(text),
        }
    }

    /// [`redact`](Self::redact) for bytes that need not be UTF-8 (a response body): `None` when
    /// they hold no secret.
    pub fn redact_bytes(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let matcher = self.matcher.as_ref().filter(|m| m.is_match(bytes))?;
        let mut clean = Vec::with_capacity(bytes.len());
        matcher.replace_all_with_bytes(bytes, &mut clean, |_, _, out| {
            out.extend_from_slice(REDACTED.as_bytes());
            true
        });
        Some(clean)
    }

    /// Like [`redact`](Self::redact), for text that was cut short (an excerpt ending in `…`): a
    /// secret cut in two at the end leaves its beginning, which is redacted too.
    pub fn redact_excerpt<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(cut) = text.strip_suffix('…') else {
            return self.redact(text);
        };
        let whole = self.redact(cut);
        for form in &self.forms {
            let form = form.expose_secret();
            // The longest beginning of the secret the text ends with, if long enough to be one.
            let partial = (MIN_REDACTED_LEN..form.len())
                .rev()
                .filter(|end| form.is_char_boundary(*end))
                .find(|end| whole.ends_with(&form[..*end]));
            if let Some(end) = partial {
                let kept = &whole[..whole.len() - end];
                return Cow::Owned(format!("{kept}{REDACTED}…"));
            }
        }
        if whole == cut {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(format!("{whole}…"))
        }
    }
}

/// Every byte but the URL-unreserved ones as `%XX`, as a query string or form carries it.
pub(crate) fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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
    fn every_spelling_of_every_secret_is_redacted() {
        let user = "agent@acme.example/token";
        let token = "s3cr3t/t0ken+x";
        let pair = format!("{user}:{token}");
        let redactor = Credentials::basic(user, token).redactor();
        let (_, header) = Credentials::basic(user, token).header_pair().unwrap();
        let header = header.to_str().unwrap().to_owned();
        let echoes = [
            header.clone(),
            token.to_owned(),
            pair.clone(),
            STANDARD.encode(&pair),
            STANDARD_NO_PAD.encode(&pair),
            URL_SAFE_NO_PAD.encode(&pair),
            STANDARD.encode(&pair).replace('/', "\\/"),
            percent_encoded(token),
            token.replace('/', "\\/"),
        ];
        for echo in &echoes {
            let text = format!(r#"{{"error":"Unauthorized","echo":"{echo}"}}"#);
            let clean = redactor.redact(&text);
            assert!(clean.contains(REDACTED), "{echo}: {clean}");
            for secret in [token, &pair, &STANDARD.encode(&pair)] {
                assert!(!clean.contains(secret), "{echo}: {clean}");
            }
        }
        assert_eq!(redactor.redact("nothing secret"), "nothing secret");
        assert!(matches!(
            redactor.redact("nothing secret"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            redactor.redact("s3cr3t%2Ft0ken%2Bx"),
            REDACTED,
            "the percent-encoded token"
        );
        // Freshdesk's `X` password alone is not a secret to hunt for; its pair is.
        let freshdesk = Credentials::basic("k3y-that-is-secret", "X").redactor();
        assert_eq!(freshdesk.redact("X marks"), "X marks");
        assert_eq!(
            freshdesk.redact(&STANDARD.encode("k3y-that-is-secret:X")),
            REDACTED
        );
        for creds in [
            Credentials::bearer("b34rer-t0ken"),
            Credentials::header(
                HeaderName::from_static("x-api-key"),
                "Token ",
                "b34rer-t0ken",
            ),
        ] {
            assert_eq!(
                creds.redactor().redact("Bearer b34rer-t0ken"),
                "Bearer [REDACTED]"
            );
        }
        assert!(Credentials::None.redactor().is_empty());
        assert!(!format!("{redactor:?}").contains("s3cr3t"));
        // Bodies are searched as bytes, UTF-8 or not, in one pass for every form.
        let mut body = b"\xff\xfe{\"echo\":\"".to_vec();
        body.extend_from_slice(token.as_bytes());
        body.extend_from_slice(b"\",\"pair\":\"");
        body.extend_from_slice(STANDARD.encode(&pair).as_bytes());
        body.extend_from_slice(b"\"}");
        let clean = redactor.redact_bytes(&body).expect("secrets found");
        let expected = [
            &b"\xff\xfe{\"echo\":\""[..],
            REDACTED.as_bytes(),
            b"\",\"pair\":\"",
            REDACTED.as_bytes(),
            b"\"}",
        ]
        .concat();
        assert_eq!(clean, expected);
        assert_eq!(redactor.redact_bytes(b"\xffnothing secret"), None);
        assert_eq!(Credentials::None.redactor().redact_bytes(b"x"), None);
    }

    #[test]
    fn a_secret_cut_by_an_excerpt_is_redacted_too() {
        let redactor = Credentials::bearer("s3cr3t-t0ken-long").redactor();
        assert_eq!(
            redactor.redact_excerpt("header was Bearer s3cr3t-t0…"),
            "header was Bearer [REDACTED]…"
        );
        assert_eq!(redactor.redact_excerpt("plain text…"), "plain text…");
        assert_eq!(
            redactor.redact_excerpt("s3cr3t-t0ken-long and more…"),
            "[REDACTED] and more…"
        );
    }

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
