//! Control socket requests: an exec on a live connection counted as a session, refusals that
//! send the client to a connection of its own, the connections listed and closed.

use std::time::Instant;

use super::*;
use crate::control::{ClientId, Health, Reply, Request};

fn ask(model: &mut Model, client: u64, request: Request) -> Vec<Effect> {
    update(
        model,
        Msg::Control {
            client: ClientId(client),
            request,
            at: Instant::now(),
        },
    )
}

fn exec(profile: &str) -> Request {
    Request::Exec {
        profile: profile.to_owned(),
        command: "uptime".to_owned(),
    }
}

#[test]
fn an_exec_runs_on_the_live_connection_and_counts_as_a_session_until_it_ends() {
    let mut model = model();
    connected(&mut model);
    let effects = ask(&mut model, 7, exec("web"));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::ControlExec { client: ClientId(7), connection: ConnectionId(1), command }]
                if command == "uptime"
        ),
        "{effects:?}"
    );
    assert_eq!(model.connections[&ConnectionId(1)].sessions, 2);
    let effects = update(
        &mut model,
        Msg::ControlExecEnded {
            client: ClientId(7),
        },
    );
    assert!(effects.is_empty(), "the tab still holds it: {effects:?}");
    assert_eq!(model.connections[&ConnectionId(1)].sessions, 1);
}

#[test]
fn without_a_live_connection_or_room_on_it_the_client_is_refused() {
    let mut model = model();
    let effects = ask(&mut model, 1, exec("web"));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::ControlReply {
                reply: Reply::Refused(_),
                ..
            }]
        ),
        "{effects:?}"
    );
    connected(&mut model);
    model
        .connections
        .get_mut(&ConnectionId(1))
        .unwrap()
        .server_limit = Some(1);
    let effects = ask(&mut model, 2, exec("web"));
    let [
        Effect::ControlReply {
            reply: Reply::Refused(reason),
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert!(reason.contains("limit"), "{reason}");
    assert_eq!(model.connections[&ConnectionId(1)].sessions, 1);
}

#[test]
fn connections_are_listed_and_a_profiles_connections_closed() {
    let mut model = model();
    let tab = connected(&mut model);
    let effects = ask(&mut model, 1, Request::List);
    let [
        Effect::ControlReply {
            reply: Reply::Connections(rows),
            ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].profile.as_str(),
            rows[0].target.as_str(),
            rows[0].sessions
        ),
        ("web", "me@web.example", 1)
    );
    assert_eq!(rows[0].health, Health::Up { misses: 0, max: 0 });

    let effects = ask(
        &mut model,
        2,
        Request::Close {
            profile: "web".to_owned(),
        },
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::CloseChannel { tab: t } if *t == tab))
    );
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::ControlReply {
            reply: Reply::Closed(1),
            ..
        }
    )));
    assert!(model.connections.is_empty());
}
