//! What a WebSocket client may send: `{"action": "...", "event_id": N}`.

use boxoffice_domain::EventId;
use serde::Deserialize;

/// One client message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum ClientCommand {
    /// Follow an event's updates (signed-in connections only; same as the REST subscription).
    Subscribe { event_id: EventId },
    /// Stop following an event.
    Unsubscribe { event_id: EventId },
    /// Receive the event's seat counts on every change (anyone).
    Watch { event_id: EventId },
    /// Stop receiving seat counts.
    Unwatch { event_id: EventId },
}

/// How the server explains a message it cannot read.
const USAGE: &str = "Send {\"action\": \"subscribe|unsubscribe|watch|unwatch\", \"event_id\": N}.";

/// The right shape with an action this server does not know.
#[derive(Deserialize)]
struct UnknownAction {
    action: String,
    #[allow(dead_code)] // Read only to tell a wrong action from a wrong shape.
    event_id: i64,
}

impl ClientCommand {
    /// Parses a text frame; the error is the detail of the `invalid_message` reply.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|_| match serde_json::from_str::<UnknownAction>(text) {
            Ok(unknown) => format!("unknown action {:?}", unknown.action),
            Err(_) => USAGE.to_owned(),
        })
    }

    /// The action's name, echoed in the `ack` frame.
    pub fn action(&self) -> &'static str {
        match self {
            ClientCommand::Subscribe { .. } => "subscribe",
            ClientCommand::Unsubscribe { .. } => "unsubscribe",
            ClientCommand::Watch { .. } => "watch",
            ClientCommand::Unwatch { .. } => "unwatch",
        }
    }

    /// The event the command is about.
    pub fn event_id(&self) -> EventId {
        match *self {
            ClientCommand::Subscribe { event_id }
            | ClientCommand::Unsubscribe { event_id }
            | ClientCommand::Watch { event_id }
            | ClientCommand::Unwatch { event_id } => event_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_actions_parse_with_their_event() {
        for (action, expected) in [
            (
                "subscribe",
                ClientCommand::Subscribe {
                    event_id: EventId(4),
                },
            ),
            (
                "unsubscribe",
                ClientCommand::Unsubscribe {
                    event_id: EventId(4),
                },
            ),
            (
                "watch",
                ClientCommand::Watch {
                    event_id: EventId(4),
                },
            ),
            (
                "unwatch",
                ClientCommand::Unwatch {
                    event_id: EventId(4),
                },
            ),
        ] {
            let text = format!(r#"{{"action": "{action}", "event_id": 4, "extra": true}}"#);
            let command = ClientCommand::parse(&text).expect("parses");
            assert_eq!(command, expected);
            assert_eq!(command.action(), action);
            assert_eq!(command.event_id(), EventId(4));
        }
    }

    #[test]
    fn an_unknown_action_is_named_and_a_wrong_shape_gets_the_usage() {
        assert_eq!(
            ClientCommand::parse(r#"{"action": "dance", "event_id": 4}"#),
            Err(r#"unknown action "dance""#.to_owned())
        );
        for wrong in [
            r#"{"hello": "there"}"#,
            r#"{"action": "dance"}"#,
            r#"{"action": "watch", "event_id": "4"}"#,
            r#"{"action": "watch"}"#,
            "not json",
        ] {
            assert_eq!(
                ClientCommand::parse(wrong),
                Err(USAGE.to_owned()),
                "{wrong}"
            );
        }
    }
}
