#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nft-syntax.sh - the nft rulesets scripts/rules prints (gateway and host,
# with and without DNS answers, bypass, one queue or a range) are accepted
# by this kernel's nftables in check mode (nft -c), in a namespace of its
# own.  This kernel has no nft "queue" expression, so each queue statement
# is replaced by "accept" first: everything else is checked as written.
# TAP; needs root and nft.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (a network namespace for nft -c)"
command -v nft >/dev/null 2>&1 || skip_all "nft not installed (scripts/install-deps)"
ns=emb-nft-$$
ip netns add "$ns" || { echo "Bail out! cannot create a network namespace"; exit 1; }
trap 'ip netns del "$ns" 2>/dev/null' EXIT

for mode in gateway host; do
	for opts in "" "--no-dns-answers" "--no-bypass" "--queue 2-5"; do
		# shellcheck disable=SC2086
		text=$("$REPO_ROOT/scripts/rules" print --mode $mode $opts) ||
			{ tap_ok 1 "$mode $opts: scripts/rules print"; continue; }
		n=$(grep -c "queue num" <<<"$text")
		[ "$n" -gt 0 ]; tap_ok $? "$mode $opts: $n queue statements"
		out=$(sed -E 's/queue num [0-9:-]+( bypass)?( fanout)?/accept/' <<<"$text" |
			ip netns exec "$ns" nft -c -f - 2>&1)
		tap_ok $? "$mode $opts: nft -c accepts the rest"
		[ -z "$out" ] || diag "$out"
	done
done
tap_done
