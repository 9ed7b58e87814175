//! One integration test binary for all real-server tests, so the test bed (test user, keys,
//! servers) is set up once per process and shared by every test module.

// Test code: a failed unwrap is a failed test, with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod anti_idle;
mod broadcast;
mod certificates;
mod cli;
mod cli_habits;
mod clone;
mod demo_client;
mod differential;
mod exec_flow_control;
mod fan_out;
mod file_ownership;
mod forwarding;
mod host_keys;
mod hostile_server;
mod jump_hosts;
mod netlab;
mod netlab_anti_idle;
mod reconnect;
mod screenshot;
mod session_log;
mod shared_exec;
mod ssh_client;
mod support;
mod testbed_smoke;
mod tui;
mod tui_background;
mod tui_fidelity;
mod tui_find;
mod tui_ssh_config;
mod tui_sshd;
mod vttest;
