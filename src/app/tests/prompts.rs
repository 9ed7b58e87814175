//! Questions from the SSH layer answered in the tab.

use super::*;

#[test]
fn secrets_are_typed_into_the_prompt_and_esc_cancels() {
    let mut model = model();
    let tab = start_tab(&mut model);

    let (sender, mut receiver) = oneshot::channel();
    let prompt = Prompt::Password {
        user: "me".into(),
        host_port: "web.example".into(),
        attempt: 1,
    };
    net(
        &mut model,
        NetEvent::Prompt {
            tab,
            prompt: prompt.clone(),
            reply: PromptReply::new(sender),
        },
    );
    for c in "s3cret".chars() {
        assert!(
            update(&mut model, key(KeyCode::Char(c))).is_empty(),
            "typing sends nothing"
        );
    }
    update(&mut model, key(KeyCode::Backspace));
    update(&mut model, key(KeyCode::Char('T')));
    let effects = update(&mut model, key(KeyCode::Enter));
    for effect in effects {
        if let Effect::Answer { reply, answer } = effect {
            reply.send(answer);
        }
    }
    assert_eq!(
        receiver.try_recv().unwrap(),
        Answer::Secret("s3creT".into())
    );

    let (sender, mut receiver) = oneshot::channel();
    net(
        &mut model,
        NetEvent::Prompt {
            tab,
            prompt,
            reply: PromptReply::new(sender),
        },
    );
    let effects = update(&mut model, key(KeyCode::Esc));
    for effect in effects {
        if let Effect::Answer { reply, answer } = effect {
            reply.send(answer);
        }
    }
    assert_eq!(receiver.try_recv().unwrap(), Answer::Cancel);
    net(
        &mut model,
        NetEvent::ConnectFailed {
            at: std::time::Instant::now(),
            permanent: false,
            connection: ConnectionId(1),
            error: "password was not answered".into(),
            cancelled: true,
        },
    );
    assert!(matches!(
        model.tab_mut(tab).unwrap().state,
        TabState::Cancelled(_)
    ));
}

#[test]
fn host_key_questions_take_y_o_n() {
    let mut model = model();
    let tab = start_tab(&mut model);
    let (sender, mut receiver) = oneshot::channel();
    let prompt = Prompt::UnknownHostKey {
        host_port: "web.example".into(),
        key_type: "ssh-ed25519".into(),
        fingerprint: "SHA256:x".into(),
        known_hosts: "/k".into(),
        other_types: Vec::new(),
    };
    net(
        &mut model,
        NetEvent::Prompt {
            tab,
            prompt,
            reply: PromptReply::new(sender),
        },
    );
    assert!(update(&mut model, key(KeyCode::Char('z'))).is_empty());
    for effect in update(&mut model, key(KeyCode::Char('o'))) {
        if let Effect::Answer { reply, answer } = effect {
            reply.send(answer);
        }
    }
    assert_eq!(
        receiver.try_recv().unwrap(),
        Answer::HostKey(HostKeyDecision::AcceptOnce)
    );
}
