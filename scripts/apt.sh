# Sourced by system-packages.sh and browser.sh: the one way this project installs Debian packages.
# install_missing WHAT PACKAGE...: installs the packages with apt-get when run as root where apt-get
# is; otherwise says which are missing (WHAT names them) and how to install them, and exits 1.
install_missing() {
  local what=$1
  shift
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "Instalando $what: $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "Faltan $what: $*. Instálelos (sudo apt-get install $*) y repita." >&2
    exit 1
  fi
}
