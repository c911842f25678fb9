# smp.sh: harness test case for vCPU hotplug of our kernel as a PV DomU
# (issue 17): `xl vcpu-set` writes cpu/N/availability, the guest's watch
# brings vCPUs up (VCPUOP_initialise once, VCPUOP_up) or takes them down
# (the vCPU leaves its work, then VCPUOP_down from itself).  Sourced by
# harness.sh after pv.sh (pv_ready, pv_cmd); run by tests/boot/domu/pv-guest.t.

# xl_vcpus DOM: how many of DOM's vCPUs `xl vcpu-list` shows running or
# blocked (an offline one is "--p", on no pCPU).
xl_vcpus() {
	sig_retry xl vcpu-list "$1" 2>/dev/null |
		awk 'NR > 1 && $5 !~ /p/ { n++ } END { print n + 0 }'
}

# guest_cpus DOM: the count the guest's `cpus` command prints ("cpus: N
# online"), asked afresh.
guest_cpus() {
	local mark
	mark=$(guest_lines "$1")
	guest_send "$1" cpus >/dev/null 2>&1 || return 1
	guest_wait "$1" "^cpus: [0-9]+ online" 5 "$mark" >/dev/null 2>&1 ||
		return 1
	tail -n +"$((mark + 1))" "$(guest_log "$1")" | tr -d '\r' |
		sed -n 's/^cpus: \([0-9]*\) online.*/\1/p' | tail -n 1
}

# agree DOM N: xl vcpu-list and the guest's cpus both say N in a probe
# that began within 5 s of now (a probe itself, an xl call and a console
# round trip, can take seconds in the bed under TCG); the time is told.
agree() {
	local t p x g
	t=$(now)
	while :; do
		p=$(since "$t")
		x=$(xl_vcpus "$1")
		g=$(guest_cpus "$1")
		diag "$1: probe at $p s: xl vcpu-list $x running, cpus $g (want $2)"
		if [ "$x" = "$2" ] && [ "$g" = "$2" ]; then
			awk -v p="$p" 'BEGIN { exit !(p <= 5) }'
			return
		fi
		if elapsed_ge "$t" 5; then
			diag "$1: no agreement on $2 in a probe begun within 5 s"
			return 1
		fi
		sleep 0.3
	done
}

# during_repatch DOM ROUNDS N...: `repatch ROUNDS` starts; while it runs
# xl vcpu-set takes the guest to each N in turn, which the guest's watch
# does between two rounds ("xen: vCPU I up|down in T us (N online)" within
# 60 s, maybe after a prompt the console printed first); then the repatch
# ends with faults=0 wrong=0, and after its last change (the changes
# happened during it, not after).
during_repatch() {
	local dom=$1 rounds=$2 mark n log last res
	shift 2
	log=$(guest_log "$dom")
	mark=$(guest_lines "$dom")
	guest_send "$dom" "repatch $rounds" || return 1
	guest_wait "$dom" "^repatch: rounds=" 0 "$mark" >/dev/null 2>&1 && {
		diag "$dom: repatch $rounds ended before any change"; return 1; }
	for n; do
		check "xl vcpu-set $dom $n while repatch $rounds runs" \
			sig_retry xl vcpu-set -i "$dom" "$n" || return 1
		check "$dom: the guest's watch took it to $n online during repatch" \
			guest_wait "$dom" \
			"^(pv> )*xen: vCPU [0-9]+ (up|down) in [0-9]+ us \($n online\)" 60 \
			"$mark" || return 1
	done
	check "$dom: repatch $rounds across the changes: faults=0 wrong=0" \
		guest_wait "$dom" \
		"^repatch: rounds=$rounds sites=[0-9]+ faults=0 wrong=0 " 600 \
		"$mark" || return 1
	last=$(tail -n "+$((mark + 1))" "$log" | tr -d '\r' |
		grep -n "^\(pv> \)*xen: vCPU [0-9]* \(up\|down\) in" | tail -n 1 |
		cut -d: -f1)
	res=$(tail -n "+$((mark + 1))" "$log" | tr -d '\r' |
		grep -n "^repatch: rounds=" | head -n 1 | cut -d: -f1)
	diag "$dom: last vCPU change on line $last, repatch result on line $res"
	check "$dom: every change came before repatch's result" \
		line_before "$last" "$res"
}

# line_before A B: both line numbers known and A comes first.
line_before() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; }

# pv-vcpus:IMAGE: vcpus = 2, maxvcpus = 4: the guest starts 2; xl vcpu-set
# 4, 1, 3, each seen alike by xl vcpu-list and the guest within 5 s, with
# `repatch 20` (faults=0 wrong=0) on the CPUs there are after each; then
# `repatch 400` runs while xl vcpu-set takes it to 2, 4 and 1, and xl
# vcpu-list and cpus agree once it is over; then xl shutdown is honoured.
test_pv_vcpus() {
	local img dom n
	img=${1:?pv-vcpus needs an image}; dom=$img-smp
	guest_create "$dom" "$img" "vcpus = 2" "maxvcpus = 4" 'cmdline = ""' ||
		return 1
	pv_ready "$dom" || return 1
	check "$dom: 2 vCPUs at boot, xl vcpu-list and cpus agree" \
		agree "$dom" 2 || return 1
	for n in 4 1 3; do
		# -i: more vCPUs than the bed's 2 pCPUs (xl refuses otherwise)
		check "xl vcpu-set $dom $n" sig_retry xl vcpu-set -i "$dom" "$n" ||
			return 1
		check "$dom: $n vCPUs: xl vcpu-list and cpus agree within 5 s" \
			agree "$dom" "$n" || return 1
		check "$dom: repatch 20 on $n vCPUs: faults=0 wrong=0" \
			pv_cmd "$dom" "repatch 20" \
			"^repatch: rounds=20 sites=[0-9]+ faults=0 wrong=0 " 120 ||
			return 1
	done
	during_repatch "$dom" 400 2 4 1 || return 1
	check "$dom: after it, xl vcpu-list and cpus agree on 1" \
		agree "$dom" 1 || return 1
	check "xl shutdown $dom" guest_shutdown "$dom" &&
		check "$dom gone after xl shutdown" guest_wait_gone "$dom" 30
}
