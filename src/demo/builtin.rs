//! The demo server as the `builtin_demo` profiles use it: started once on demand, with a client
//! key that exists only in this process, so nothing about it touches known_hosts or the agent.

use std::sync::Arc;

use russh::keys::{Algorithm, PrivateKey};
use tokio::sync::OnceCell;

use super::config::DemoConfig;
use super::error::DemoError;
use super::server::DemoServer;
use crate::profiles::{AuthMethod, Profile, local_user_name};
use crate::ssh::ConnectOptions;

/// Where a profile connects: its own host, or for `builtin_demo` the demo server, started at
/// most once per process when the first such profile connects. Cheap to clone.
#[derive(Clone)]
pub struct Targets {
    demo: Arc<OnceCell<Result<BuiltinDemo, String>>>,
    demo_max_sessions: u32,
}

impl Targets {
    /// `demo_max_sessions` is the demo server's session limit per connection.
    pub fn new(demo_max_sessions: u32) -> Self {
        Self {
            demo: Arc::new(OnceCell::new()),
            demo_max_sessions,
        }
    }

    /// How to reach and log in for `profile`. Fails only when the demo server cannot start.
    pub async fn connect_options(&self, profile: &Profile) -> Result<ConnectOptions, String> {
        self.connect_options_through(profile, &[]).await
    }

    /// Like [`Self::connect_options`], through the jump hosts `hops` (outermost first); the
    /// demo server is always reached directly.
    pub async fn connect_options_through(
        &self,
        profile: &Profile,
        hops: &[Profile],
    ) -> Result<ConnectOptions, String> {
        if !profile.builtin_demo {
            return Ok(ConnectOptions::through(profile, hops));
        }
        let demo = self
            .demo
            .get_or_init(|| async {
                BuiltinDemo::start(self.demo_max_sessions)
                    .await
                    .map_err(|e| format!("the built-in demo server did not start: {e}"))
            })
            .await;
        match demo {
            Ok(demo) => Ok(demo.connect_options(profile)),
            Err(error) => Err(error.clone()),
        }
    }
}

pub struct BuiltinDemo {
    server: DemoServer,
    client_key: Arc<PrivateKey>,
}

impl BuiltinDemo {
    /// `max_sessions` is the per-connection session limit, like sshd's MaxSessions.
    pub async fn start(max_sessions: u32) -> Result<Self, DemoError> {
        let client_key =
            PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).map_err(DemoError::HostKey)?;
        let config = DemoConfig {
            max_sessions,
            ..DemoConfig::with_authorized_key(client_key.public_key().clone())
        };
        let server = DemoServer::start(config).await?;
        Ok(Self {
            server,
            client_key: Arc::new(client_key),
        })
    }

    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// How to reach the demo server for `profile`: its session settings (terminal, anti-idle,
    /// clone policy) stay, the target and the login are the demo's.
    pub fn connect_options(&self, profile: &Profile) -> ConnectOptions {
        let mut options = ConnectOptions::from_profile(profile);
        options.host = "127.0.0.1".to_owned();
        options.port = self.server.port();
        options.user = local_user_name();
        options.auth = vec![AuthMethod::Key];
        options.identity_file = None;
        options.agent_socket = None;
        // The demo is reached directly, and never gets the person's agent.
        options.route = crate::ssh::Route::Direct;
        options.forward_agent = false;
        options.client_key = Some(Arc::clone(&self.client_key));
        options.pinned_host_key = Some(self.server.host_public_key().clone());
        options
    }
}
