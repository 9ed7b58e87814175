#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints, unit tests and the integration tests
# against real OpenSSH sshd and dropbear servers that the tests start on 127.0.0.1.
#
# The real-server tests need root: they create a local login user (tabsh-test) and run sshd,
# which must be root to log users in. As root, this script installs the Debian packages the
# tests need when they are missing; otherwise it names them and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(openssh-server openssh-client dropbear-bin tmux nftables iproute2 passwd python3 dialog vttest)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/test.sh: the real-server tests need root (they add the login user tabsh-test and run sshd)." >&2
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "Missing packages: sudo apt-get install -y ${missing[*]}" >&2
    fi
    echo "Run: sudo $0" >&2
    exit 1
fi

if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --all-targets --locked
