# shellcheck shell=bash
# Shared prelude for scripts/* and ci/*: source it, don't execute it.
# Puts the caller at the repo root (so rust-toolchain.toml and relative paths
# apply no matter where the script was started from) and makes the locally
# installed tools visible.

BALLAST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$BALLAST_ROOT" || exit 1

# cargo-installed binaries (cosmwasm-check) and npm-installed wasm-opt live
# outside the default PATH on a fresh machine / in a non-login CI shell.
export PATH="$BALLAST_ROOT/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Announce a step so a failing CI log shows which check broke.
header() { printf '\n==> %s\n' "$*"; }

# Crate name of a Cargo.toml = the `name =` line of its [package] section.
crate_name() {
  awk '/^\[/ { pkg = ($0 == "[package]") }
       pkg && /^name *=/ { gsub(/^name *= *"|".*$/, ""); print; exit }' "$1"
}
