#!/usr/bin/env bash
# The Debian packages the test suite needs, installed when missing (called by `make test`,
# so the README's test command alone sets up a fresh machine; CI's .ci/run calls `make test`):
#   chromium              browser tests (tests/browser/, driven by Playwright)
#   default-jre-headless  HermiT, the OWL 2 DL consistency check (tests/test_dl_consistency.py)
#   virtuoso-opensource   `llm-atlas push` into a real Graph Store (tests/test_push.py starts its own)
# Installing needs root (or password-less sudo). Without either, this stops and names what is
# missing: the tests fail rather than skip when a tool is absent.
set -euo pipefail
declare -A needs=([chromium]=chromium [java]=default-jre-headless [virtuoso-t]=virtuoso-opensource)
missing=()
for tool in "${!needs[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${needs[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "the tests need Debian packages: ${missing[*]}" >&2
    echo "install them as root: apt-get install -y ${missing[*]}  (or run make test as root)" >&2
    exit 1
fi
echo "installing Debian packages the tests need: ${missing[*]}" >&2
# noninteractive: virtuoso-opensource asks debconf for a dba password; left unset, the package
# keeps its system instance disabled, which is fine: the test starts an instance of its own.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
