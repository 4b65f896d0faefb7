//! Account requests and responses.

use boxoffice_domain::{
    Email, Invalid, Password, User, Username, Validator, Zone, parse_full_name, parse_login,
    single_line,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"email": "alice@example.com", "username": "alice", "password": "Str0ng!pass", "full_name": "Alice Martin"}))]
pub struct UserRegister {
    #[schema(value_type = String, required = true, format = Email, max_length = 254)]
    pub email: Option<String>,
    /// 3 to 50 letters, digits or underscores.
    #[schema(
        value_type = String,
        required = true,
        min_length = 3,
        max_length = 50,
        pattern = "^[A-Za-z0-9_]{3,50}$"
    )]
    pub username: Option<String>,
    /// At least 8 characters with an upper-case letter, a digit and a special character (at most 72 bytes).
    /// The pattern states the rules for printable ASCII; other letters are accepted too.
    #[schema(required = true, value_type = String, min_length = 8, max_length = 72, format = Password, pattern = r"^(?=.*[A-Z])(?=.*[0-9])(?=.*[!-/:-@\[-`{-~])[!-~]{8,72}$")]
    pub password: Option<SecretString>,
    /// At most 100 characters, one line.
    #[schema(max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub full_name: Option<String>,
}

/// A validated registration, password still in clear (hashed next).
#[derive(Debug)]
pub struct Registration {
    pub email: Email,
    pub username: Username,
    pub password: Password,
    pub full_name: Option<String>,
}

impl UserRegister {
    pub fn into_domain(self) -> Result<Registration, Invalid> {
        let mut v = Validator::new();
        let email = v
            .require("email", self.email)
            .and_then(|e| v.check("email", Email::parse(&e)));
        let username = v
            .require("username", self.username)
            .and_then(|u| v.check("username", Username::parse(&u)));
        let password = v
            .require("password", self.password)
            .and_then(|p| v.check("password", Password::parse(p.expose_secret())));
        let full_name = v
            .check_opt("full_name", self.full_name, |n| parse_full_name(&n))
            .flatten()
            .flatten();
        v.finish()?;
        Ok(Registration {
            email: email.expect("validated"),
            username: username.expect("validated"),
            password: password.expect("validated"),
            full_name,
        })
    }
}

/// Sign in with a username or an e-mail address (either field).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"username": "alice", "password": "Str0ng!pass"}))]
pub struct UserLogin {
    /// Username, or e-mail address (one of `username` and `email` is needed).
    #[schema(
        min_length = 1,
        max_length = 254,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub username: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 254,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub email: Option<String>,
    #[schema(required = true, value_type = String, format = Password, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub password: Option<SecretString>,
}

impl UserLogin {
    /// The login (username or e-mail) and password, each present and one line of text.
    pub fn into_credentials(self) -> Result<(String, SecretString), Invalid> {
        let login = self.username.or(self.email);
        credentials(login, self.password)
    }
}

fn credentials(
    login: Option<String>,
    password: Option<SecretString>,
) -> Result<(String, SecretString), Invalid> {
    let mut v = Validator::new();
    let login = v
        .require("username", login)
        .and_then(|l| v.check("username", parse_login(&l)));
    let password = v.require("password", password).and_then(|p| {
        v.check("password", single_line(p.expose_secret()))
            .map(|()| p)
    });
    v.finish()?;
    Ok((login.expect("validated"), password.expect("validated")))
}

/// OAuth2 password grant (form-encoded), as Swagger UI's "Authorize" sends it.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenForm {
    /// Only `password`.
    #[schema(pattern = "^password$")]
    pub grant_type: Option<String>,
    /// Username or e-mail address.
    #[schema(
        min_length = 1,
        max_length = 254,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub username: String,
    #[schema(value_type = String, format = Password, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    pub password: SecretString,
}

impl TokenForm {
    /// The login and password, checked like those of `/auth/login`.
    pub fn into_credentials(self) -> Result<(String, SecretString), Invalid> {
        credentials(Some(self.username), Some(self.password))
    }
}

/// An access token.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessToken {
    pub access_token: String,
    /// Always `bearer`.
    #[schema(example = "bearer")]
    pub token_type: String,
    /// Seconds until the token expires.
    #[schema(example = 1800)]
    pub expires_in: u64,
}

/// `user` or `admin`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RoleName {
    User,
    Admin,
}

/// An account; never the password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub username: String,
    pub full_name: Option<String>,
    /// False until e-mail confirmation exists.
    pub is_verified: bool,
    pub role: RoleName,
    pub created_at: String,
}

impl UserView {
    pub fn render(user: &User, zone: Zone) -> Self {
        UserView {
            id: user.id.0,
            email: user.email.as_str().to_owned(),
            username: user.username.as_str().to_owned(),
            full_name: user.full_name.clone(),
            is_verified: user.is_verified,
            role: match user.role {
                boxoffice_domain::Role::User => RoleName::User,
                boxoffice_domain::Role::Admin => RoleName::Admin,
            },
            created_at: zone.format(user.created_at),
        }
    }
}
