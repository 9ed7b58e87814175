//! Jump hosts and forwards as the model sees them: the chain resolved from the profiles when
//! connecting, forwards switched from the inspector and applied to live connections.

use super::*;
use crate::profiles::jump::JumpError;
use crate::profiles::{Forward, ForwardKind};

fn local_forward(port: u16) -> Forward {
    Forward {
        kind: ForwardKind::Local,
        bind_port: port,
        host: "db".to_owned(),
        port: 5432,
        ..Forward::default()
    }
}

#[test]
fn connecting_resolves_the_jump_hosts_from_the_profiles_as_they_are_now() {
    let mut model = model();
    edit_web(&mut model, |web| {
        web.jump = vec!["db".to_owned(), "ops@edge:2222".to_owned()];
    });
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec!["web".to_owned()],
        },
    );
    let [Effect::Connect { hops: Ok(hops), .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let shown: Vec<String> = hops.iter().map(Profile::shown_target).collect();
    assert_eq!(shown, ["db.example:22", "ops@edge:2222"]);

    // A chain that loops is an error the connection reports, not a hang.
    let mut model = super::model();
    edit_web(&mut model, |web| web.jump = vec!["web".to_owned()]);
    let effects = update(
        &mut model,
        Msg::Start {
            open: vec!["web".to_owned()],
        },
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Connect {
                hops: Err(JumpError::Loop(_)),
                ..
            }]
        ),
        "{effects:?}"
    );
}

#[test]
fn a_forward_switched_in_the_inspector_is_saved_and_applied_to_live_connections() {
    let mut model = model();
    edit_web(&mut model, |web| {
        web.forward = vec![local_forward(8080), local_forward(8081)];
    });
    connected(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('i')));
    let effects = update(&mut model, key(KeyCode::Char('2')));
    let [Effect::SaveProfile { id, profile }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(id.as_deref(), Some("web"));
    let switched: Vec<bool> = profile.forward.iter().map(|f| f.enabled).collect();
    assert_eq!(switched, [true, false]);
    assert!(
        matches!(model.overlay, Some(Overlay::Inspector { .. })),
        "the inspector stays open"
    );

    // The store's answer reaches the live connection.
    let effects = edit_web(&mut model, |web| {
        web.forward = vec![local_forward(8080), local_forward(8081)];
        web.forward[1].enabled = false;
    });
    assert!(
        effects.iter().any(|effect| matches!(
            effect,
            Effect::SetForwards { connection: ConnectionId(1), enabled } if *enabled == [true, false]
        )),
        "{effects:?}"
    );
}
