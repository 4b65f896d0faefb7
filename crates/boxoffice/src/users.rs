//! `boxoffice user create`: accounts from the command line, admins included.

use crate::cli::UserCommand;
use anyhow::{Context, anyhow};
use boxoffice_domain::{Email, NewUser, Password, Role, Username, parse_full_name};
use boxoffice_store::Store;
use secrecy::{ExposeSecret, SecretString};

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Create {
        db,
        email,
        username,
        full_name,
        admin,
        password,
        bcrypt_cost,
    } = command;
    let password = match password {
        Some(password) => password,
        None => read_password_line()?,
    };
    let password =
        Password::parse(password.expose_secret()).map_err(|e| anyhow!("password {e}"))?;
    let user = NewUser {
        email: Email::parse(&email).map_err(|e| anyhow!("email {e}"))?,
        username: Username::parse(&username).map_err(|e| anyhow!("username {e}"))?,
        full_name: parse_full_name(full_name.as_deref().unwrap_or_default())
            .map_err(|e| anyhow!("full name {e}"))?,
        password_hash: bcrypt::hash(password.expose(), bcrypt_cost)
            .context("hashing the password")?,
        role: if admin { Role::Admin } else { Role::User },
    };
    let store = Store::connect(&db.database_url, db.database_max_connections)
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("applying migrations")?;
    let created = store
        .create_user(&user, chrono::Utc::now())
        .await
        .context("creating the account")?;
    println!(
        "created {} {} (id {})",
        created.role.as_str(),
        created.username,
        created.id
    );
    Ok(())
}

fn read_password_line() -> anyhow::Result<SecretString> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(anyhow!(
            "no password: set BOXOFFICE_PASSWORD or pass it on standard input"
        ));
    }
    Ok(SecretString::from(password))
}
