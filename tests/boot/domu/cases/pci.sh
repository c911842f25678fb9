# pci.sh: harness test cases for PCI passthrough to our DomU (issue 20):
# QEMU's edu device, handed by Dom0's xen-pciback to our kernel's pcifront
# and its edu driver.  Sourced by harness.sh; run by tests/boot/domu/
# pci-guest.t with run-domu --edu (QEMU q35 + intel-iommu + edu at
# 0000:00:03.0, Xen iommu=1).  Uses pv.sh's helpers.

PCI_BDF=0000:00:03.0

# pci_assignable: Dom0 hands the device to pciback (which warns that no
# driver held it) and lists it as assignable.
pci_assignable() {
	local kver
	kver=$(uname -r)
	check "insmod xen-pciback" insmod "/lib/modules/$kver/xen-pciback.ko" ||
		return 1
	check "xl pci-assignable-add $PCI_BDF" \
		sig_retry xl pci-assignable-add "$PCI_BDF" || return 1
	check "xl pci-assignable-list shows $PCI_BDF" \
		sh -c "xl pci-assignable-list | grep -q '^$PCI_BDF'"
}

# pci_dump DOMID: what Dom0 and Xen say, when a check failed.
pci_dump() {
	xenstore-ls -f "/local/domain/0/backend/pci/$1" 2>&1 | sed 's/^/domu: #   /'
	dmesg | grep -i -E 'pciback|pci 0000:00:03|msi' | tail -n 15 | sed 's/^/domu: #   dmesg: /'
	xl dmesg | tail -n 15 | sed 's/^/domu: #   xl dmesg: /'
}

# pci-edu:IMAGE: IMAGE with pci=[edu]: pcifront finds 1234:11e8 with a
# 1 MiB BAR0, `pci` lists it, the edu driver computes factorials by MSI
# and by polling, releases the device (BAR0 unmapped) and takes it again;
# xl pci-detach takes it away while the guest runs, which says so and
# goes on without it; then xl shutdown.
test_pci_edu() {
	local img dom t0 id n
	img=${1:?pci-edu needs an image}; dom=$img-pci
	pci_assignable || return 1
	t0=$(now)
	guest_create "$dom" "$img" "pci = ['$PCI_BDF']" || return 1
	id=$(guest_domid "$dom")
	pv_result "$dom" && pv_ready "$dom" || { pci_dump "$id"; return 1; }
	if ! check "$dom: pcifront finds one device" guest_wait "$dom" \
		"pcifront: connected to .*: 1 device," 60; then
		pci_dump "$id"
		return 1
	fi
	diag "$dom: device found $(since "$t0") s after xl create was called"
	check "$dom: BAR0's 256 pages mapped by mmu_update with DOMID_IO" \
		guest_wait "$dom" "^pcifront: 0000:00:00\\.0 bar0 0x[0-9a-f]+ mapped at 0x[0-9a-f]+: 256 pages, 256 by mmu_update with DOMID_IO" 30
	check "$dom: the edu driver takes it" guest_wait "$dom" \
		"^edu: .* version 1\\.0, bar0 0x[0-9a-f]+ at .*liveness ok" 30 ||
		{ pci_dump "$id"; return 1; }
	check "$dom: pci lists 1234:11e8, class 00ff00, a 1 MiB BAR0" \
		pv_cmd "$dom" pci "^pci: 0000:00:00\\.0 1234:11e8 class 00ff00 bar0 mem 0x[0-9a-f]+ size 0x100000" 30
	for n in "10 3628800" "12 479001600" "13 1932053504"; do
		check "$dom: edu ${n% *} gives ${n#* } by interrupt" pv_cmd "$dom" \
			"edu ${n% *}" "^edu: ${n% *}! = ${n#* } \\(irq, [0-9]+ us\\)" 30
	done
	check "$dom: edu poll 10 gives 3628800 by polling" pv_cmd "$dom" \
		"edu poll 10" "^edu: 10! = 3628800 \\(poll, [0-9]+ us\\)" 30
	check "$dom: edu bench 12 20 (irq and poll, 20 runs each)" pv_cmd "$dom" \
		"edu bench 12 20" "^edu: bench 12! x20 by poll: " 120
	pv_cmd "$dom" edu "^edu: bound" 30
	grep -E '^edu: (1[0-3]! = |bound|bench)' "$(guest_log "$dom")" |
		sed 's/^/domu: # /'
	check "$dom: edu off unmaps BAR0" pv_cmd "$dom" "edu off" \
		"^edu: released .*bar0 unmapped .*gone" 30
	check "$dom: then edu 5 says there is no device" pv_cmd "$dom" \
		"edu 5" "^edu: no device" 30
	check "$dom: edu on maps it again" pv_cmd "$dom" "edu on" \
		"^edu: .* liveness ok, completion by MSI" 30
	check "$dom: edu 5 gives 120" pv_cmd "$dom" "edu 5" \
		"^edu: 5! = 120 \\(irq" 30
	pv_cmd "$dom" edu "^edu: bound" 30
	check "xl pci-detach $dom $PCI_BDF" \
		sig_retry timeout 120 xl pci-detach "$dom" "$PCI_BDF" || pci_dump "$id"
	check "$dom: logs the removal" guest_wait "$dom" \
		"^pcifront: 0000:00:00\\.0 1234:11e8 removed \\(xl pci-detach\\)" 30
	check "$dom: edu 5 then says there is no device" pv_cmd "$dom" \
		"edu 5" "^edu: no device" 30
	check "$dom: pci lists none" pv_cmd "$dom" pci "^pci: 0 devices" 30
	check "$dom: still answers" pv_cmd "$dom" "xs read name" \
		"name = \"$dom\"" 30
	check "xl shutdown $dom" guest_shutdown "$dom" &&
		check "$dom gone" guest_wait_gone "$dom" 60
}
