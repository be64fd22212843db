#!/bin/sh
# Make sure the interpreter can build a virtual environment. Debian ships venv/ensurepip in a
# separate package (python3-venv); install it when we can, explain when we cannot.
set -eu
py=${1:-python3}
if ! command -v "$py" >/dev/null 2>&1; then
    echo "sretui needs Python >= 3.11 ('$py' not found). On Debian: apt-get install python3 python3-venv" >&2
    exit 1
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "sretui needs Python >= 3.11; '$py' is $("$py" -V 2>&1)." >&2
    exit 1
fi
if "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    exit 0
fi
pkg="python3-venv"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing $pkg with apt-get (needed to create .venv) ..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null && exit 0
fi
if command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing $pkg with sudo apt-get ..." >&2
    sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null && exit 0
fi
echo "Cannot create a virtual environment: '$py -m venv' needs the Debian package $pkg." >&2
echo "Install it (as root: apt-get install $pkg) and run make again." >&2
exit 1
