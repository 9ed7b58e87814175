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
    arm_prompts(&mut model, tab);
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
    arm_prompts(&mut model, tab);
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
    arm_prompts(&mut model, tab);
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

/// What the runtime does once a question has been on screen for a moment.
fn arm_prompts(model: &mut Model, tab: TabId) {
    while let Some((shown, prompt)) = model.prompt_to_arm() {
        assert_eq!(shown, tab);
        update(model, Msg::PromptArmed { tab, prompt });
    }
}

fn host_key_question(model: &mut Model, tab: TabId) -> oneshot::Receiver<Answer> {
    let (sender, receiver) = oneshot::channel();
    net(
        model,
        NetEvent::Prompt {
            tab,
            prompt: Prompt::UnknownHostKey {
                host_port: "web.example".into(),
                key_type: "ssh-ed25519".into(),
                fingerprint: "SHA256:x".into(),
                known_hosts: "/k".into(),
                other_types: Vec::new(),
            },
            reply: PromptReply::new(sender),
        },
    );
    receiver
}

fn answer_all(effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Answer { reply, answer } = effect {
            reply.send(answer);
        }
    }
}

#[test]
fn keys_on_their_way_before_a_question_shows_never_answer_it() {
    let mut model = model();
    let tab = start_tab(&mut model);
    let mut receiver = host_key_question(&mut model, tab);
    // "yes" typed into the shell as the question appears: swallowed, nothing trusted.
    for c in "yes".chars() {
        answer_all(update(&mut model, key(KeyCode::Char(c))));
    }
    update(&mut model, Msg::Paste("o".into()));
    assert!(receiver.try_recv().is_err(), "not answered");
    arm_prompts(&mut model, tab);
    answer_all(update(&mut model, key(KeyCode::Char('n'))));
    assert_eq!(
        receiver.try_recv().unwrap(),
        Answer::HostKey(HostKeyDecision::Reject)
    );
}

#[test]
fn a_question_under_an_overlay_waits_and_the_overlay_takes_the_keys() {
    let mut model = model();
    let tab = start_tab(&mut model);
    update(&mut model, prefix());
    update(&mut model, key(KeyCode::Char('s')));
    assert!(matches!(model.overlay, Some(Overlay::SessionManager(_))));
    let mut receiver = host_key_question(&mut model, tab);
    assert_eq!(model.prompt_to_arm(), None, "hidden: not armed");
    // A filter with an `o` and a `y` in it goes to the session manager, not the question.
    for c in "only".chars() {
        answer_all(update(&mut model, key(KeyCode::Char(c))));
    }
    assert!(receiver.try_recv().is_err(), "not answered");
    let Some(Overlay::SessionManager(manager)) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    assert_eq!(manager.filter(), "only");
    update(&mut model, key(KeyCode::Esc));
    update(&mut model, key(KeyCode::Esc));
    assert!(model.overlay.is_none());
    arm_prompts(&mut model, tab);
    answer_all(update(&mut model, key(KeyCode::Char('o'))));
    assert_eq!(
        receiver.try_recv().unwrap(),
        Answer::HostKey(HostKeyDecision::AcceptOnce)
    );
}
