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
if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "Instalando paquetes del sistema: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Faltan paquetes del sistema: ${missing[*]}. Instálelos (sudo apt-get install ${missing[*]}) y repita." >&2
  exit 1
fi
