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
