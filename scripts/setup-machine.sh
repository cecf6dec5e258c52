#!/usr/bin/env bash
# Makes sure the machine has what tests and the demo need besides npm packages: ffmpeg (to generate
# the test streams), a Chromium/Chrome (browser tests), Firefox 138+ (optional: the Firefox and
# mixed-browser tests, driven through WebDriver BiDi; they skip with a reason without one), for the
# collector's tests a PostgreSQL
# server and Prometheus, and for the network lab (test/support/netlab, docs/NETLAB.md) iproute2,
# nftables, procps (sysctl) and coturn (optional: those tests skip with a reason where they are
# missing). On Debian as root it installs the missing
# ones with apt; elsewhere it only looks and names what to install. It never downloads a browser by
# itself and writes nothing into the repository.
#
# usage: setup-machine.sh [--no-browser]   (--no-browser: the demo needs ffmpeg only)
# On success prints `CHROMIUM_PATH=<path>` (unless --no-browser) so callers can export it, and
# `FIREFOX_PATH=<path>` when a Firefox of version 138 or newer is there.
set -euo pipefail

need_browser=1
[[ "${1:-}" == "--no-browser" ]] && need_browser=0

# Candidate browser executables, most specific first. CHROMIUM_PATH wins when set.
find_chromium() {
  local candidates=(
    "${CHROMIUM_PATH:-}"
    /usr/bin/chromium
    /usr/bin/chromium-browser
    /usr/bin/google-chrome
    /usr/bin/google-chrome-stable
    "/Applications/Chromium.app/Contents/MacOS/Chromium"
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
  )
  local candidate
  for candidate in "${candidates[@]}"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# A Firefox executable; FIREFOX_PATH wins when set.
find_firefox() {
  local candidate
  for candidate in "${FIREFOX_PATH:-}" /usr/bin/firefox-esr /usr/bin/firefox \
    "/Applications/Firefox.app/Contents/MacOS/firefox"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# The major version a Firefox executable prints (`Mozilla Firefox 153.8.0esr` → 153), or 0.
firefox_major() {
  local version
  version=$("$1" --version 2>/dev/null | sed -n 's/^Mozilla Firefox \([0-9]*\).*/\1/p' | head -n 1)
  echo "${version:-0}"
}

# A Firefox new enough for playwright-core's WebDriver BiDi (138+), if there is one.
find_modern_firefox() {
  local firefox_path
  firefox_path=$(find_firefox) || return 1
  (($(firefox_major "$firefox_path") >= 138)) || return 1
  echo "$firefox_path"
}

is_debian_root() {
  [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1
}

missing_packages=()
command -v ffmpeg >/dev/null 2>&1 || missing_packages+=(ffmpeg)
if [[ $need_browser == 1 ]] && ! find_chromium >/dev/null; then
  missing_packages+=(chromium)
fi
# Optional packages, installed only where apt can (root on Debian) and never a reason to fail: the
# tests that need them skip with a reason. Collector tests: a real PostgreSQL and Prometheus.
optional_packages=()
if [[ $need_browser == 1 ]] && is_debian_root; then
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || optional_packages+=(postgresql)
  command -v prometheus >/dev/null 2>&1 || optional_packages+=(prometheus)
  find_modern_firefox >/dev/null || optional_packages+=(firefox-esr)
  # Network lab: namespaces and tc (iproute2), NAT and loss (nftables), sysctl (procps), STUN/TURN
  # (coturn). The tools live in sbin, often missing from PATH.
  for lab_tool in ip:iproute2 nft:nftables sysctl:procps turnserver:coturn; do
    PATH="$PATH:/usr/sbin:/sbin" command -v "${lab_tool%%:*}" >/dev/null 2>&1 ||
      optional_packages+=("${lab_tool#*:}")
  done
fi

if ((${#optional_packages[@]} > 0)); then
  echo "setup-machine: installing optional ${optional_packages[*]} with apt-get" >&2
  # stdout carries only the CHROMIUM_PATH and FIREFOX_PATH lines.
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${optional_packages[@]}"; } >&2; then
    echo "setup-machine: optional ${optional_packages[*]} not installed; the tests that need them are skipped" >&2
  fi
fi

if ((${#missing_packages[@]} > 0)); then
  if is_debian_root; then
    echo "setup-machine: installing ${missing_packages[*]} with apt-get" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing_packages[@]}"
  else
    echo "setup-machine: missing: ${missing_packages[*]}" >&2
    for package in "${missing_packages[@]}"; do
      case "$package" in
        ffmpeg)
          echo "  - ffmpeg: install it with your package manager (apt install ffmpeg, brew install ffmpeg, ...)" >&2
          ;;
        chromium)
          echo "  - Chromium or Google Chrome: install one (apt install chromium, brew install --cask chromium," >&2
          echo "    or Google Chrome), or point CHROMIUM_PATH at its executable" >&2
          ;;
      esac
    done
    exit 1
  fi
fi

command -v ffmpeg >/dev/null 2>&1 || {
  echo "setup-machine: ffmpeg still missing after install" >&2
  exit 1
}
if [[ $need_browser == 1 ]]; then
  chromium_path=$(find_chromium) || {
    echo "setup-machine: no Chromium found after install" >&2
    exit 1
  }
  echo "CHROMIUM_PATH=$chromium_path"
  # playwright-core drives Firefox through WebDriver BiDi, which needs Firefox 138 or newer; with an
  # older one (or none) the Firefox tests skip and say why.
  if firefox_path=$(find_modern_firefox); then
    echo "FIREFOX_PATH=$firefox_path"
  fi
fi
