#!/bin/sh
# The integration tests run a real Prometheus and Alertmanager on loopback. Make sure the Debian
# packages that ship them are installed; install them when we can, explain when we cannot.
set -eu
missing=""
command -v prometheus >/dev/null 2>&1 || missing="$missing prometheus"
command -v promtool >/dev/null 2>&1 || case "$missing" in *prometheus*) ;; *) missing="$missing prometheus" ;; esac
command -v prometheus-alertmanager >/dev/null 2>&1 || command -v alertmanager >/dev/null 2>&1 \
    || missing="$missing prometheus-alertmanager"
[ -z "$missing" ] && exit 0

install_with() {
    echo "Installing$missing with apt-get (the tests run real servers on loopback) ..." >&2
    "$@" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends $missing >/dev/null"
}
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    install_with env && exit 0
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    install_with sudo -n && exit 0
fi
echo "The tests need the Debian packages:$missing" >&2
echo "Install them (as root: apt-get install$missing) and run 'make test' again." >&2
exit 1
