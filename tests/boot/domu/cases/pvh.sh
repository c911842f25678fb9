# pvh.sh: harness test cases for our own kernel as a Xen PVH DomU (issue
# 18), sourced by harness.sh in the bed's Dom0; run by pvh-guest.t.  The
# console helpers (pv_result, pv_ready, pv_cmd, pv_state_is) are pv.sh's.

# pvh-boot:IMAGE: xl create with type = "pvh"; the selftests pass (the
# host side checks the summary); the console loop answers help, sites and
# xs read through the pty; xl shutdown powers it off (on_poweroff =
# "preserve": state ---s--, reason 0); xl destroy ends it.
test_pvh_boot() {
	local img dom id
	img=${1:?pvh-boot needs an image}; dom=$img-pvh
	guest_create "$dom" "$img" 'type = "pvh"' 'on_poweroff = "preserve"' ||
		return 1
	check "$dom: hypercalls by vmcall or vmmcall" guest_wait "$dom" \
		"^pvh: hypercalls by vmm?call" 90
	pv_result "$dom" && pv_ready "$dom" || return 1
	id=$(guest_domid "$dom")
	check "$dom answers 'help'" pv_cmd "$dom" help "spin SECONDS" ||
		return 1
	check "$dom answers 'sites'" pv_cmd "$dom" sites "planned bytes" &&
		check "$dom: every site holds its plan" guest_wait "$dom" \
			"sites: ([0-9]+) of \\1 hold" 1
	check "$dom answers 'xs read domid' with $id" \
		pv_cmd "$dom" "xs read domid" "domid = \"$id\"" || return 1
	check "xl shutdown $dom" guest_shutdown "$dom" || return 1
	check "$dom logs why it goes" guest_wait "$dom" \
		"control: the toolstack asks for 'poweroff'" 30 &&
		check "$dom: last line SHUTDOWN_poweroff" guest_wait "$dom" \
			"leaving with SHUTDOWN_poweroff" 30
	check "$dom: xl list -v says shut down, reason 0 (poweroff)" \
		pv_state_is "$dom" "^---s-- 0" || return 1
	check "xl destroy $dom" guest_destroy "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 30
}

# linux-pvh[:IMAGE[,FIX]]: the bed's Linux DomU (Debian's vmlinuz,
# console=hvc0) started with type = "pvh": up, a line echoed on its
# console, powered off by itself.  FIX: nordtscp (cpuid = "host,rdtscp=0"),
# tscnative (tsc_mode = "native") or none.  On failure, Xen's view of the
# domain (xl dmesg) is shown.
test_linux_pvh() {
	local img dom fix
	img=${1:-linux}; dom=$img-pvh
	case ${2:-none} in
	nordtscp) fix='cpuid = "host,rdtscp=0"' ;;
	tscnative) fix='tsc_mode = "native"' ;;
	none) fix='vcpus = 1' ;;
	*) not_ok "linux-pvh: unknown fix '$2'"; return 1 ;;
	esac
	guest_create "$dom" "$img" 'type = "pvh"' 'on_crash = "preserve"' \
		"$fix" || return 1
	if ! check "$dom: a first console line" guest_wait "$dom" "." 120 ||
		! linux_up "$dom"; then
		xl list -v "$dom" 2>&1 | sed 's/^/# xl list: /'
		xl dmesg 2>&1 | tail -n 60 | sed 's/^/# xl dmesg: /'
		guest_destroy "$dom"
		return 1
	fi
	check "line sent to $dom" guest_send "$dom" "to-$dom" &&
		check "$dom echoes its line" guest_wait "$dom" \
			"got line 'to-$dom'" 30 &&
		check "$dom powered off by itself" guest_wait_gone "$dom" 60
}
