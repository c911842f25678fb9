#!/usr/bin/perl
# entry.t: the i386 image as a 32-bit PV Dom0 on the source-built PV32 Xen
# (run-xen picks it for an ELF32 kernel): Xen takes the notes, enters us in
# ring 1, what we read of its layout is the 32-bit PAE one, an int3 and
# the timer event come back to ring 1 through Xen's bounce frames.  Then it
# goes on to kernel_main (default.t checks that part).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../xen-dom0";
use XenBoot;
use Test::More;

need_tools();
my $r = boot(kernel => build_dir() . '/i386/kernel/kernel.elf',
	     expect => 'xen32: entry checks pass');
my $out = $r->{out} =~ s/\r//gr;
is($r->{status}, 0, 'run-xen exits 0 (saw "xen32: entry checks pass")')
	or diag(substr($out, -2000));
like($out, qr/^\(XEN\)  Dom0 kernel: 32-bit, PAE, lsb, paddr 0x100000 /m,
     'Xen builds a 32-bit PAE Dom0 from our notes');
like($out, qr/^\(XEN\)  Loaded kernel: 00000000c0100000->/m,
     'loaded at VIRT_BASE 0xc0000000 + paddr (PADDR_OFFSET 0)');
like($out, qr/^\(XEN\)  ENTRY ADDRESS: 00000000c01/m, 'entry in the image');
like($out, qr/^xen32: xen-3\.0-x86_32p, dom0, \d+ pages, ring 1 \(cs e019\)$/m,
     'start_info magic x86_32p, Dom0, running in ring 1 (FLAT_KERNEL_CS)');
like($out, qr/^xen32: M2P f5800000-[0-9a-f]+, .*HYPERVISOR_VIRT_START f5800000; kernel map ends f0000000$/m,
     'XENMEM_machphys_mapping: Xen owns from 0xf5800000, our map ends below');
is(scalar(() = $out =~ /^xen32: L3\[\d\] [0-9a-f]*[13579bdf]$/mg), 4,
   'four present L3 entries (PAE)');
like($out, qr/^xen32: L2 behind L3\[3\]: [1-9]\d* of \d+ entries from f5800000 present/m,
     "the L2 behind L3[3] holds Xen's entries");
like($out, qr/^xen32: trap: int3 bounced to ring 1 \(cs e019\), eip xen32_int3_probe\+0x1, returned by iret$/m,
     'set_trap_table: int3 in ring 1 reaches our stub, iret returns');
like($out, qr/^xen32: shared_info at 0*([0-9a-f]+), vcpu_info\[0\] mask byte at 0*([0-9a-f]+) = 1$/m,
     'shared_info mapped; events masked at entry (mask byte 1)');
if ($out =~ /^xen32: shared_info at 0*([0-9a-f]+), vcpu_info\[0\] mask byte at 0*([0-9a-f]+)/m) {
	is(hex($2) - hex($1), 1, 'the mask byte is vcpu_info[0] + 1, at a fixed address');
} else {
	fail('the mask byte is vcpu_info[0] + 1, at a fixed address');
}
like($out, qr/^xen32: events: VIRQ_TIMER port \d+, 10 ticks, 10 upcalls, 10 blocks in \d+ ms$/m,
     'VIRQ_TIMER: 10 singleshot ticks, each one upcall ending one SCHEDOP_block');
unlike($out, qr/^xen32: error/m, 'no entry check failed');
like($out, qr/^xen32: entry checks pass\n.*^pvkernel: xen-pv-dom0 platform/ms,
     'then kernel_main on the Xen PV platform');
like($out, qr/^\(XEN\) Hardware Dom0 shutdown: rebooting/m,
     'Dom0 ended the run with SHUTDOWN_reboot (a hypercall)');
done_testing();
