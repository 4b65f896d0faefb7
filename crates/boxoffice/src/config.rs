//! `boxoffice config`: the effective configuration of `serve`, each value with its source
//! (flag, environment, default, or a file in DATA_DIR), secrets redacted.

use crate::cli::{self, ConfigArgs, RateLimitStore};
use clap::parser::ValueSource;
use clap::{ArgMatches, Command};
use serde_json::{Value, json};

/// Shown instead of a secret's value.
const REDACTED: &str = "<redacted>";

/// One setting as `serve` would see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The argument's id, e.g. `database_url`.
    pub name: String,
    pub env: Option<String>,
    pub flag: Option<String>,
    /// The value (secrets redacted); `None` when unset.
    pub value: Option<String>,
    /// `flag`, `env`, `default`, `file` or `unset`.
    pub source: String,
    /// What the value means in effect, where that is not obvious.
    pub note: Option<String>,
}

/// Every setting of `boxoffice config`'s command line, in declaration order.
pub fn settings(command: &Command, matches: &ArgMatches, args: &ConfigArgs) -> Vec<Setting> {
    let config = command
        .find_subcommand("config")
        .expect("the config subcommand exists");
    let (_, sub_matches) = matches.subcommand().expect("config was invoked");
    let top = command.get_arguments().map(|arg| (arg, matches));
    let own = config.get_arguments().map(|arg| (arg, sub_matches));
    top.chain(own)
        .filter(|(arg, _)| !matches!(arg.get_id().as_str(), "help" | "version" | "json"))
        .map(|(arg, matches)| {
            let name = arg.get_id().as_str().to_owned();
            let source = match matches.value_source(&name) {
                Some(ValueSource::CommandLine) => "flag",
                Some(ValueSource::EnvVariable) => "env",
                Some(ValueSource::DefaultValue) => "default",
                _ => "unset",
            };
            let value = matches.get_raw(&name).map(|values| {
                let values: Vec<String> = values
                    .map(|v| v.to_string_lossy().into_owned())
                    .map(
                        |v| match (arg.is_hide_env_values_set(), name.ends_with("url")) {
                            (false, _) => v,
                            (true, true) => cli::redact(&v),
                            (true, false) => REDACTED.to_owned(),
                        },
                    )
                    .collect();
                values.join(",")
            });
            let mut setting = Setting {
                env: arg.get_env().map(|e| e.to_string_lossy().into_owned()),
                flag: arg.get_long().map(|long| format!("--{long}")),
                name,
                value,
                source: source.to_owned(),
                note: None,
            };
            explain(&mut setting, args);
            setting
        })
        .collect()
}

/// Adds what a few values mean in effect (and where the JWT secret comes from when unset).
fn explain(setting: &mut Setting, args: &ConfigArgs) {
    let serve = &args.serve;
    let postgres = serve.db.database_url.starts_with("postgres");
    setting.note = match (setting.name.as_str(), setting.value.is_some()) {
        ("jwt_secret", false) => {
            let path = serve.data_dir.join("jwt-secret");
            if path.exists() {
                setting.value = Some(REDACTED.to_owned());
                setting.source = "file".to_owned();
                Some(format!("read from {}", path.display()))
            } else {
                Some(format!("generated on start into {}", path.display()))
            }
        }
        ("rate_limit_store", _) => Some(
            match (serve.rate_limit_store, postgres) {
                (RateLimitStore::Auto | RateLimitStore::Database, true) => {
                    "shared by all processes, in PostgreSQL"
                }
                (RateLimitStore::Database, false) => "needs PostgreSQL: serve refuses to start",
                _ => "in this process's memory",
            }
            .to_owned(),
        ),
        ("rate_limit_per_second", false) => Some("no API-wide limit".to_owned()),
        ("public_url", false) => Some("each request's own origin".to_owned()),
        ("amqp_url", false) => Some("in-process broker".to_owned()),
        ("only", false) => Some("both services".to_owned()),
        ("event_service_url", false) => {
            Some("none: needed by --only notifications; one process reads its own store".to_owned())
        }
        ("instance_id", false) => Some("random per start".to_owned()),
        _ => None,
    };
}

/// One JSON object per setting.
pub fn to_json(settings: &[Setting]) -> Value {
    Value::Array(
        settings
            .iter()
            .map(|s| {
                json!({
                    "name": s.name, "env": s.env, "flag": s.flag,
                    "value": s.value, "source": s.source, "note": s.note,
                })
            })
            .collect(),
    )
}

/// An aligned table: setting (environment variable and flag), value, source.
pub fn to_table(settings: &[Setting]) -> String {
    let rows: Vec<[String; 3]> = settings
        .iter()
        .map(|s| {
            let name = match (&s.env, &s.flag) {
                (Some(env), Some(flag)) => format!("{env} ({flag})"),
                (None, Some(flag)) => flag.clone(),
                (Some(env), None) => env.clone(),
                (None, None) => s.name.clone(),
            };
            let value = match (&s.value, &s.note) {
                (Some(value), Some(note)) => format!("{value} ({note})"),
                (Some(value), None) => value.clone(),
                (None, Some(note)) => format!("- ({note})"),
                (None, None) => "-".to_owned(),
            };
            [name, value, s.source.clone()]
        })
        .collect();
    let header = [
        "SETTING".to_owned(),
        "VALUE".to_owned(),
        "SOURCE".to_owned(),
    ];
    let width = |i: usize| {
        rows.iter()
            .chain(std::iter::once(&header))
            .map(|row| row[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1) = (width(0), width(1));
    std::iter::once(&header)
        .chain(rows.iter())
        .map(|[a, b, c]| format!("{a:<w0$}  {b:<w1$}  {c}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command as Sub};
    use clap::{CommandFactory, FromArgMatches};

    fn run(argv: &[&str]) -> Vec<Setting> {
        let command = Cli::command();
        let matches = command.clone().try_get_matches_from(argv).unwrap();
        let Sub::Config(args) = Cli::from_arg_matches(&matches).unwrap().command else {
            panic!("not the config command");
        };
        settings(&command, &matches, &args)
    }

    fn find<'a>(settings: &'a [Setting], name: &str) -> &'a Setting {
        settings.iter().find(|s| s.name == name).unwrap()
    }

    #[test]
    fn flags_and_defaults_are_told_apart_and_secrets_are_redacted() {
        let all = run(&[
            "boxoffice",
            "config",
            "--port",
            "9001",
            "--jwt-secret",
            "a-very-long-secret-that-is-at-least-32-bytes",
            "--amqp-url",
            "amqp://guest:hunter2@mq:5672/%2f",
            "--data-dir",
            "/nonexistent",
        ]);
        assert_eq!(find(&all, "port").value.as_deref(), Some("9001"));
        assert_eq!(find(&all, "port").source, "flag");
        assert_eq!(find(&all, "ws_queue_capacity").source, "default");
        assert_eq!(find(&all, "jwt_secret").value.as_deref(), Some(REDACTED));
        assert_eq!(
            find(&all, "amqp_url").value.as_deref(),
            Some("amqp://guest:***@mq:5672/%2f")
        );
        let table = to_table(&all);
        assert!(!table.contains("hunter2") && !table.contains("a-very-long-secret"));
        assert!(table.starts_with("SETTING"));
    }
}
