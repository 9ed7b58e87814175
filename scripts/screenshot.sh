#!/usr/bin/env bash
# Regenerates the README's screenshot from a real run: the tabsh binary in a detached tmux
# window with three tabs on the built-in demo server, the session manager open over them
# (saved sessions and ~/.ssh/config hosts) and the status bar, captured with
# `tmux capture-pane -e` and rendered to SVG by scripts/ansi_to_svg.py. No display needed.
#
#   scripts/screenshot.sh [OUT.svg]      # default assets/screenshot.svg
#
# TABSH_BIN names the binary to run; without it the release build is made and used.
# Needs tmux and python3. Everything it makes lives in a temp dir removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-assets/screenshot.svg}"
cols=120
rows=32
# Bounded waits: this many tries, 0.1 s apart.
tries=200

if [ -z "${TABSH_BIN:-}" ]; then
    cargo build --release --quiet
    TABSH_BIN="$PWD/target/release/tabsh"
fi
for tool in tmux python3; do
    command -v "$tool" >/dev/null || { echo "screenshot.sh: $tool is needed" >&2; exit 1; }
done

work="$(mktemp -d)"
socket="$work/tmux.sock"
cleanup() {
    tmux -S "$socket" kill-server 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A home with an ssh config, and a config dir with three saved sessions on the demo server.
home="$work/home"
config="$work/config"
mkdir -p "$home/.ssh" "$config/sessions"
chmod 700 "$home/.ssh" "$config" "$config/sessions"
cat > "$home/.ssh/config" <<'EOF'
Host bastion
    HostName bastion.example.org
    User ops
    ForwardX11 yes
    ControlMaster auto
Host gitlab
    HostName gitlab.example.org
    User git
Host *
    ServerAliveInterval 30
EOF
printf 'PS1=%s\n' "'\$ '" > "$home/.profile"
profile() { # id name folder
    printf 'name = "%s"\nfolder = "%s"\nhost = "localhost"\nbuiltin_demo = true\n' "$2" "$3" \
        > "$config/sessions/$1.toml"
}
profile web web-01 work/web
profile db db-primary work/db
profile build build-box home
chmod 600 "$config"/sessions/*.toml

tmux -S "$socket" -f /dev/null new-session -d -x "$cols" -y "$rows" \
    "env HOME='$home' SHELL=/bin/sh TERM=xterm-256color '$TABSH_BIN' --config-dir '$config' open web db build; sleep 30"

screen() { tmux -S "$socket" capture-pane -p; }
# wait_for TEXT, or wait_for -E REGEX: until the screen shows it.
wait_for() {
    local mode=-F
    if [ "$1" = -E ]; then
        mode=-E
        shift
    fi
    for _ in $(seq "$tries"); do
        if screen | grep -q "$mode" -- "$1"; then
            return 0
        fi
        sleep 0.1
    done
    echo "screenshot.sh: \"$1\" did not appear; the screen:" >&2
    screen >&2
    exit 1
}
keys() { tmux -S "$socket" send-keys "$@"; }

wait_for "build-box"
wait_for "1 session"
# Something in each tab, as a person would have. After a switch the screen still shows the
# previous tab for a moment: wait for this tab's own status line before typing into it.
names=(web-01 db-primary build-box)
for tab in 1 2 3; do
    keys 'C-\' "$tab"
    wait_for -E "^ ${names[tab - 1]} │(.*│)? connected"
    wait_for -E '^\$'
    keys -l "echo tab $tab; uname -s"
    keys Enter
    wait_for "tab $tab"
done
keys -l "ls /usr"
keys Enter
wait_for "share"
# The session manager over the tabs, on an ssh config host with options tabsh does not use.
keys 'C-\' s
wait_for "Sessions"
wait_for "ssh config/"
keys Down Down
wait_for "not used: ForwardX11"

mkdir -p "$(dirname "$out")"
tmux -S "$socket" capture-pane -p -e > "$work/capture.ansi"
python3 scripts/ansi_to_svg.py "$work/capture.ansi" "$out" "$cols" "$rows" \
    "tabsh: three tabs, the session manager and the status bar"
echo "wrote $out"
