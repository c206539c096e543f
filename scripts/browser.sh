#!/usr/bin/env bash
# The real browser the accessibility tests open the web page with: Debian's chromium (headless) and
# axe-core, pinned below, in .cache/axe-core/axe.min.js (git-ignored; fetched with npm and checked
# against its sha256). Installs chromium, and npm if axe-core has to be fetched, when run as root
# with apt-get; otherwise says what to install. Does nothing (well under a second) when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_CORE_VERSION=4.14.1
# sha256 of its axe.min.js, the same as axe-core's own sri-history.json records for this version.
AXE_CORE_SHA256=29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
axe=.cache/axe-core/axe.min.js

axe_ok() { [[ -f $axe ]] && echo "$AXE_CORE_SHA256  $axe" | sha256sum --check --status; }

missing=()
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
axe_ok || command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  source scripts/apt.sh
  install_missing "paquetes del sistema para las pruebas de accesibilidad" "${missing[@]}"
fi

if ! axe_ok; then
  echo "Descargando axe-core $AXE_CORE_VERSION (npm) en $axe"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "axe-core@$AXE_CORE_VERSION" >/dev/null)
  tar -xzf "$tmp/axe-core-$AXE_CORE_VERSION.tgz" -C "$tmp" package/axe.min.js
  if ! echo "$AXE_CORE_SHA256  $tmp/package/axe.min.js" | sha256sum --check --status; then
    echo "El axe.min.js descargado de axe-core $AXE_CORE_VERSION no tiene el sha256 esperado ($AXE_CORE_SHA256): no se usa." >&2
    exit 1
  fi
  mkdir -p "$(dirname "$axe")"
  mv "$tmp/package/axe.min.js" "$axe"
fi
# make compares this file's time with the script's: a newer script (another version) runs again.
touch "$axe"
