#!/usr/bin/perl
# default.t: the one image as a Xen PVH Dom0 (dom0=pvh) with selftests:
# irq, cr and mmu sites native, time/events/console through Xen, every
# hypercall site inline as the CPU vendor's vmcall or vmmcall, the text
# byte for byte what pvpatch computes for that vendor.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../xen-dom0";
use XenBoot;
use Test::More;

need_tools();
my $b = build_dir();
my $pvpatch = "$b/tools/pvpatch";
my $kernel = "$b/kernel/kernel.elf";
BAIL_OUT("no $pvpatch: run make first") unless -x $pvpatch;
my $r = boot(pvh => 1, cmdline => ['selftest']);
check_pass($r, 1);
my $s = $r->{summary};
like($r->{out}, qr/^\(XEN\) \*\*\* Building a PVH Dom0 \*\*\*/m,
     'Xen built a PVH Dom0');
my ($insn) = $r->{out} =~ /^pvh: hypercalls by (vmcall|vmmcall),/m;
ok(defined $insn, 'pvh: the vendor instruction is named') or $insn = '?';
cmp_ok($s->{sites}, '>', 100, 'the kernel has its sites');
is($s->{indirect}, 0, 'no site left indirect');
cmp_ok($s->{hcall_sites}, '>', 10, "hypercall sites: $s->{hcall_sites}");
is($s->{hcall_inline}, $s->{hcall_sites}, "every hypercall site inline");
like($r->{out}, qr/^pv: hypercall sites: \d+, inline \d+ \(mov \$nr,%eax; \Q$insn\E\), refused 0\r?$/m,
     "report: hypercall sites inline as $insn");
# native ops: the native templates, the native sites as built
for my $op (qw(irq_disable irq_enable irq_save_fl irq_restore_fl write_cr3
	       set_pte flush_tlb_one_user)) {
	like($r->{out}, qr/^pv:   $op +[1-9]\d* +0 +0 +0 +0\r?$/m,
	     "report: $op sites all inline (native)");
}
like($r->{out}, qr/^pv:   sched_clock +0 +0 +0 +[1-9]\d* +0\r?$/m,
     'report: sched_clock direct calls (the pvclock)');
like($r->{out}, qr/^pv: inline \d+, body \d+, hypercall \d+, direct \d+, indirect 0, refused 0\r?$/m,
     'report: the split per strategy');
for my $mode (qw(nopatch noinline full)) {
	my @x = grep { $_->{name} =~ /^$mode:pvh_/ && !$_->{skip} }
		@{ $r->{ktap} };
	is(scalar(@x), 4, "PVH selftests ran in mode $mode");
}
# offline, for the CPU the guest's patcher saw
my $cpu = $s->{cpu_features} // 'missing';
my %hash;
for my $be (qw(pvh-intel pvh-amd xen native)) {
	$hash{$be} = `$pvpatch --text-hash --backend $be --cpu-features $cpu $kernel`;
	chomp($hash{$be});
}
my $mine = $insn eq 'vmmcall' ? 'pvh-amd' : 'pvh-intel';
my $other = $insn eq 'vmmcall' ? 'pvh-intel' : 'pvh-amd';
is($s->{text_hash}, $hash{$mine}, "text hash = pvpatch --backend $mine");
isnt($hash{$mine}, $hash{$other}, "$mine and $other patch differently");
isnt($hash{$mine}, $hash{xen}, 'PVH and Xen PV patch differently');
isnt($hash{$mine}, $hash{native}, 'PVH and native patch differently');
done_testing();
