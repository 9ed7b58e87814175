//! `tabsh completions SHELL`: clap_complete's script for the shell, generated from the same
//! definitions as `--help`, plus completion of what `open` and `exec` accept.
//!
//! Profile names change at run time, so the scripts ask `tabsh list --ids` (hidden) when Tab
//! is pressed. clap_complete's own run-time completion (`CompleteEnv`) would do this too, but
//! it sits behind its `unstable-dynamic` feature, whose protocol between script and binary may
//! change in any release; the static scripts plus one documented hook stay valid for as long
//! as `list --ids` does.

use anyhow::{Context, bail};
use clap::CommandFactory;

use super::args::{Args, Shell};

const BIN: &str = "tabsh";

/// Prints the script for `shell`.
pub fn run(shell: Shell) -> anyhow::Result<u8> {
    print!("{}", script(shell)?);
    Ok(0)
}

/// The whole script for `shell`.
pub fn script(shell: Shell) -> anyhow::Result<String> {
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut generated = Vec::new();
    clap_complete::generate(generator, &mut Args::command(), BIN, &mut generated);
    let generated = String::from_utf8(generated).context("clap_complete wrote non-UTF-8")?;
    match shell {
        Shell::Bash => bash(&generated),
        Shell::Zsh => zsh(&generated),
        Shell::Fish => Ok(fish(generated)),
    }
}

/// clap's `_tabsh` becomes `_tabsh_clap`; a `_tabsh` of ours completes profiles where `open`
/// and `exec` take them and hands everything else to it.
fn bash(generated: &str) -> anyhow::Result<String> {
    let definition = "\n_tabsh() {";
    let renamed = if let Some(rest) = generated.strip_prefix("_tabsh() {") {
        format!("_tabsh_clap() {{{rest}")
    } else if generated.contains(definition) {
        generated.replacen(definition, "\n_tabsh_clap() {", 1)
    } else {
        bail!("clap_complete's bash script has no _tabsh function to wrap");
    };
    Ok(format!("{renamed}\n{BASH_PROFILES}"))
}

const BASH_PROFILES: &str = r#"# What `tabsh open` and `tabsh exec` accept (saved profiles, ~/.ssh/config hosts), from
# `tabsh list --ids`; everything else is clap's completion above.
_tabsh() {
    local cur="${COMP_WORDS[COMP_CWORD]}" word sub="" i pos=0 skip=0 dashdash=0
    local -a list_args=()
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word="${COMP_WORDS[i]}"
        if (( skip )); then
            skip=0
            continue
        fi
        case "$word" in
            --config-dir|--ssh-config)
                list_args+=("$word" "${COMP_WORDS[i+1]/#\~/$HOME}")
                skip=1
                ;;
            --log-file|--demo-max-sessions|--folder|--parallel) skip=1 ;;
            --config-dir=*|--ssh-config=*) list_args+=("$word") ;;
            --) dashdash=1 ;;
            -*) ;;
            *)
                if [[ -z "$sub" ]]; then
                    sub="$word"
                else
                    (( pos++ ))
                fi
                ;;
        esac
    done
    if (( ! skip && ! dashdash )) && [[ "$cur" != -* ]] &&
        { [[ "$sub" == open ]] || [[ "$sub" == exec ]]; }; then
        local IFS=$'\n'
        COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "${list_args[@]}" list --ids 2>/dev/null)" -- "$cur") )
        return 0
    fi
    _tabsh_clap "$@"
}
"#;

/// clap leaves the profile arguments to `_default` (files); they call `_tabsh_profiles`.
fn zsh(generated: &str) -> anyhow::Result<String> {
    let mut replaced = 0;
    let script: Vec<String> = generated
        .lines()
        .map(|line| {
            let takes_profiles = line.starts_with("'*::profiles");
            if takes_profiles && line.ends_with(":_default' \\") {
                replaced += 1;
                line.replacen(":_default' \\", ":_tabsh_profiles' \\", 1)
            } else {
                line.to_owned()
            }
        })
        .collect();
    if replaced != 2 {
        bail!("clap_complete's zsh script: expected 2 profile arguments, found {replaced}");
    }
    let mut script = script.join("\n");
    let at = script
        .find("\n_tabsh \"$@\"")
        .or_else(|| script.find("\nif [ \"$funcstack[1]\" = \"_tabsh\" ]"))
        .context("clap_complete's zsh script has no place to add a function")?;
    script.insert_str(at + 1, ZSH_PROFILES);
    script.push('\n');
    Ok(script)
}

const ZSH_PROFILES: &str = r#"(( $+functions[_tabsh_profiles] )) ||
_tabsh_profiles() {
    local -a profiles
    profiles=(${(f)"$(${words[1]} list --ids 2>/dev/null)"})
    _describe -t profiles 'tabsh session' profiles
}

"#;

fn fish(generated: String) -> String {
    format!("{generated}{FISH_PROFILES}")
}

const FISH_PROFILES: &str = r#"# What `tabsh open` and `tabsh exec` accept (saved profiles, ~/.ssh/config hosts).
complete -c tabsh -n "__fish_tabsh_using_subcommand open" -f -a "(tabsh list --ids 2>/dev/null)"
complete -c tabsh -n "__fish_tabsh_using_subcommand exec" -f -a "(tabsh list --ids 2>/dev/null)"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_its_profile_hook() {
        let bash = script(Shell::Bash).expect("bash");
        assert!(bash.contains("_tabsh_clap() {"));
        assert!(bash.contains("list --ids"));
        assert_eq!(bash.matches("\n_tabsh() {").count(), 1, "one _tabsh: ours");
        let zsh = script(Shell::Zsh).expect("zsh");
        assert_eq!(zsh.matches(":_tabsh_profiles' \\").count(), 2);
        assert!(zsh.contains("_tabsh_profiles() {"));
        let fish = script(Shell::Fish).expect("fish");
        assert!(fish.contains("using_subcommand open\" -f -a \"(tabsh list --ids"));
    }
}
