#!/usr/bin/env bash
# Installs the Debian packages that a make target needs, or says exactly how to.
# Usage: scripts/ensure-deps.sh PACKAGE...   (each package is checked with dpkg -s)
set -euo pipefail
missing=()
for pkg in "$@"; do
	dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "lookbook: installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && exit 0
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null && exit 0
fi
echo "lookbook: could not install them; run:  sudo apt-get install ${missing[*]}" >&2
exit 1
