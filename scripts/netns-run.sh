#!/usr/bin/env bash
# Runs a command inside a private network namespace that has only loopback and one veth "test host"
# address (10.213.0.1/24, which also carries the default route). WebRTC peers (Chromium and
# @roamhq/wrtc) then find exactly one usable host candidate and connect over it, and no packet can
# leave the machine: the veth's other end has no address and nothing forwards.
#
# Why a veth and not just loopback: Chromium never offers loopback addresses as ICE candidates, so
# without a non-loopback interface browser peers could not connect to each other at all.
#
# As root: `unshare -n`. As another user: `unshare -rn` (a user namespace owning the network
# namespace) where the kernel allows it. If neither works (e.g. macOS), the command runs directly
# with a warning: peers then connect over the machine's own interfaces.
#
# The npm registry is unreachable inside: install dependencies before entering.
# Exports P2PML_NETNS=1|0 and P2PML_TEST_HOST (the address peers use) to the command.
#
# usage: netns-run.sh COMMAND [ARGS...]
set -euo pipefail

if (($# == 0)); then
  echo "usage: netns-run.sh COMMAND [ARGS...]" >&2
  exit 2
fi

readonly TEST_HOST_ADDRESS=10.213.0.1
readonly TEST_HOST_PREFIX=24

# `ip` lives in /usr/sbin, often missing from a normal user's PATH.
ip_command=$(PATH="$PATH:/usr/sbin:/sbin" command -v ip || true)

# The setup run as "root" of the new namespace; then it execs the command.
# shellcheck disable=SC2016 # expanded by the inner shell
readonly NAMESPACE_SETUP='
  set -e
  ip=$1; address=$2; prefix=$3; shift 3
  "$ip" link set lo up
  "$ip" link add p2pml-host type veth peer name p2pml-peer
  "$ip" addr add "$address/$prefix" dev p2pml-host
  "$ip" link set p2pml-host up
  "$ip" link set p2pml-peer up
  "$ip" route add default dev p2pml-host
  export P2PML_NETNS=1 P2PML_TEST_HOST="$address"
  exec "$@"'

run_in_namespace() {
  exec unshare "$1" bash -c "$NAMESPACE_SETUP" netns-run \
    "$ip_command" "$TEST_HOST_ADDRESS" "$TEST_HOST_PREFIX" "${@:2}"
}

if [[ -n "$ip_command" ]] && command -v unshare >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]] && unshare -n true 2>/dev/null; then
    run_in_namespace -n "$@"
  fi
  if unshare -rn true 2>/dev/null; then
    run_in_namespace -rn "$@"
  fi
fi

echo "netns-run: WARNING: cannot create a network namespace (needs Linux with unshare and" \
  "iproute2, as root or with unprivileged user namespaces); running the command directly," \
  "WebRTC peers will use this machine's own network interfaces" >&2
export P2PML_NETNS=0
exec "$@"
