#!/usr/bin/perl
# default.t: the i386 image as a Xen PV32 Dom0 with selftests: kernel_main
# runs on the Xen backend built for 32-bit, every site is patched (none
# indirect), the selftests pass in the three patch modes, Xen's among them,
# and the booted text is what pvpatch --backend xen plans for the ELF32 image.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../xen-dom0";
use XenBoot;
use Test::More;

need_tools();
my $b = build_dir();
my $kernel = "$b/i386/kernel/kernel.elf";
my $pvpatch = "$b/tools/pvpatch";
BAIL_OUT("no $pvpatch: run make first") unless -x $pvpatch;

my $r = boot(kernel => $kernel, cmdline => ['selftest']);
my @l = @{ $r->{lines} };
my $s = $r->{summary} // {};
my ($sum) = grep { $l[$_] =~ /^pv-summary: / } 0 .. $#l;
is($r->{status}, 0, 'run-xen exits 0') or diag(XenBoot::tail($r));
ok(defined $sum && ($l[$sum + 1] // '') eq 'RESULT: PASS',
   'pv-summary, then RESULT: PASS');
is(scalar(grep { /^RESULT: / } @l), 1, 'exactly one RESULT line');
like($r->{out}, qr/^\(XEN\) Hardware Dom0 shutdown: rebooting/m,
     'Dom0 ended the run with SHUTDOWN_reboot');
like($r->{out}, qr/^xen32: entry checks pass\r?$/m, 'the entry checks ran first');
like($r->{out}, qr/^pvkernel: xen-pv-dom0 platform, .*PV=y/m,
     'kernel_main on the Xen PV platform');
is($s->{platform}, 'xen-pv-dom0', 'platform xen-pv-dom0');
cmp_ok($s->{sites} // 0, '>', 100, 'the kernel has its sites');
is($s->{sites}, $s->{inline} + $s->{hypercall} + $s->{direct} +
	$s->{indirect}, 'strategies add up to the sites');
is($s->{indirect}, 0, 'no site left indirect');
is($s->{refused}, 0, 'no site refused');
cmp_ok($s->{hcall_sites} // 0, '>', 0, 'the backend has hypercall sites');
is($s->{hcall_inline}, $s->{hcall_sites}, 'every hypercall site inline');
like($r->{out}, qr/^pv: hypercall sites: \d+, inline \d+ \(mov \$nr,%eax; int \$0x82\), refused 0\r?$/m,
     'hypercall sites are int $0x82 in place');
for my $op (qw(irq_disable irq_save_fl read_cr2 write_cr2 read_cr3 iret)) {
	like($r->{out}, qr/^pv:   $op +[1-9]\d* +0 +0 +0 +0\r?$/m,
	     "report: $op sites all inline (xen_32.S template)");
}
# inline, sched_op(SCHEDOP_block) would load %ebx, which a CALLER site keeps
like($r->{out}, qr/^pv:   safe_halt +0 +0 +0 +[1-9]\d* +0\r?$/m,
     'report: safe_halt sites direct calls, not int $0x82 inline');
like($r->{out}, qr/^pv:   irq_enable +0 +0 +0 +[1-9]\d* +0\r?$/m,
     'report: irq_enable direct calls (21 bytes: no room in a 15-byte site)');
is($s->{selftests_fail}, 0, 'no selftest failed');
my @k = @{ $r->{ktap} };
is(scalar(@k), $r->{plan} // -1, 'as many results as planned');
my @bad = grep { !$_->{ok} } @k;
is(scalar(@bad), 0, 'every selftest ok')
	or diag(join("\n", map { "not ok $_->{n} $_->{name}" } @bad));
for my $mode (qw(nopatch noinline full)) {
	my @x = grep { $_->{name} =~ /^$mode:xen_/ && !$_->{skip} } @k;
	cmp_ok(scalar(@x), '>=', 8, "Xen selftests ran in mode $mode");
	ok((grep { $_->{name} eq "$mode:xen_vcpu_info_fixed" && $_->{ok} } @k),
	   "$mode: vcpu_info's mask byte at its fixed address");
}
my $cpu = $s->{cpu_features} // 'missing';
my $h = `$pvpatch --text-hash --backend xen --cpu-features $cpu $kernel`;
is($? >> 8, 0, 'pvpatch --text-hash --backend xen runs on the ELF32 image');
chomp($h);
like($h, qr/^[0-9a-f]{16}$/, 'offline hash: 16 hex digits');
is($s->{text_hash}, $h, 'booted text hash equals pvpatch --backend xen');
my $n = `$pvpatch --text-hash --backend native --cpu-features $cpu $kernel`;
chomp($n);
isnt($h, $n, 'Xen and native patch the text differently');
# pv.noinline: direct calls and hypercalls only, as pvpatch --no-inline
my $ni = `$pvpatch --text-hash --no-inline --backend xen --cpu-features $cpu $kernel`;
chomp($ni);
my $r2 = boot(kernel => $kernel, cmdline => ['pv.noinline']);
is($r2->{status}, 0, 'pv.noinline: run-xen exits 0');
is($r2->{summary}{indirect}, 0, 'pv.noinline: no site indirect');
is($r2->{summary}{inline}, 0, 'pv.noinline: nothing inline');
is($r2->{summary}{text_hash}, $ni, 'pv.noinline: equals pvpatch --no-inline');
# An unexpected #PF comes back through the trap table to entry_32.S's stub
# and is reported as natively: func+off, cr2 from vcpu_info, ring 1's cs.
my $f = boot(kernel => $kernel, cmdline => ['fault']);
is($f->{status}, 1, 'fault: run-xen exits 1');
like($f->{out}, qr/^trap: #PF page fault \(vector 14\), error code 0x0\r?$/m,
     'fault: vector and error code');
like($f->{out}, qr/^trap: rip [0-9a-f]{16} fault_selfcheck\+0x[0-9a-f]+ /m,
     'fault: eip as function+offset');
like($f->{out}, qr/^trap: cr2 0000000000000010 \(not present, read, data\)/m,
     'fault: cr2 (vcpu_info arch.cr2) and the decoded error code');
like($f->{out}, qr/^trap: ebp [0-9a-f]{8}  esp [0-9a-f]{8}  cs  0000e019\r?$/m,
     'fault: taken in ring 1 (cs e019)');
like($f->{out}, qr/^RESULT: FAIL\r?$/m, 'fault: RESULT: FAIL');
done_testing();
