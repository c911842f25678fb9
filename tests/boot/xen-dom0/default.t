#!/usr/bin/perl
# default.t: the one image as Xen PV Dom0 with selftests: every site
# patched, the irq ops inline as Xen sequences, Xen selftests in all modes.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use XenBoot;
use Test::More;

need_tools();
my $r = boot(cmdline => ['selftest']);
check_pass($r, 1);
my $s = $r->{summary};
cmp_ok($s->{sites}, '>', 100, 'the kernel has its sites');
is($s->{indirect}, 0, 'no site left indirect');
for my $op (qw(irq_disable irq_save_fl read_cr2 iret)) {
	like($r->{out}, qr/^pv:   $op +[1-9]\d* +0 +0 +0 +0\r?$/m,
	     "report: $op sites all inline (Xen template)");
}
# The unlocked enable is 25 bytes (%gs-relative): inline in the native sites' 25-byte stub
# calls (all but one site), a direct call at a plain 15-byte call site (the
# selftests' callee-save probe).
like($r->{out}, qr/^pv:   irq_enable +([1-9]\d*) +0 +0 +1 +0\r?$/m,
     'report: irq_enable inline but at the one plain call site');
# safe_halt is sched_op(SCHEDOP_block, NULL): the planner's hypercall strategy
like($r->{out}, qr/^pv:   safe_halt +0 +0 +[1-9]\d* +0 +0\r?$/m,
     'report: safe_halt sites all direct hypercalls');
cmp_ok($s->{hypercall}, '>', 0, 'pv-summary counts the hypercall sites');
like($r->{out}, qr/^pv:   irq_restore_fl +0 +0 +0 +[1-9]\d* +0\r?$/m,
     'report: irq_restore_fl direct calls (no template)');
for my $mode (qw(nopatch noinline full)) {
	my @x = grep { $_->{name} =~ /^$mode:xen_/ && !$_->{skip} }
		@{ $r->{ktap} };
	cmp_ok(scalar(@x), '>=', 5, "Xen selftests ran in mode $mode");
}
done_testing();
