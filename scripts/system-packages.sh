#!/usr/bin/env bash
# Debian packages the project needs beyond Python: HarfBuzz-Subset for WeasyPrint's font
# subsetting, Open Sans for LibreOffice/PowerPoint-less viewers of the deck (the PDF ships its own
# copy). With WITH_LIBREOFFICE=1 also LibreOffice Impress and Calc, the real clients the tests open
# the deck and the CSV files with (CSV formula injection). Installs what is missing when run as root with apt-get; otherwise says what to install.
set -euo pipefail
packages=(libharfbuzz-subset0 fonts-open-sans)
if [[ "${WITH_LIBREOFFICE:-0}" == 1 ]]; then packages+=(libreoffice-impress libreoffice-calc); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
source "$(dirname "$0")/apt.sh"
install_missing "paquetes del sistema" "${missing[@]}"
