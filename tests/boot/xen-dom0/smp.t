#!/usr/bin/perl
# smp.t: Xen PV Dom0 on more than one vCPU: secondary vCPUs by VCPUOP_up,
# each vCPU's vcpu_info in its per-CPU area (%gs-relative irq templates),
# event-channel IPIs for the re-patch sync and TLB shootdown, live
# re-patch rounds under a stress on the other vCPUs (faults=0 wrong=0),
# and contended locks that poll an event channel and are kicked.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use XenBoot;
use Test::More;

need_tools();

sub repatch_line {
	my ($r) = @_;
	my ($l) = $r->{out} =~ /^(repatch: rounds=.*?)\r?$/m;
	return $l // '';
}

# Every repatch: line (which CPU faulted, where), for a failure's diag.
sub repatch_lines {
	my ($r) = @_;
	return join("\n", $r->{out} =~ /^(repatch: .*?)\r?$/mg);
}

# QEMU gives Xen two pCPUs (MTTCG: the vCPUs really run at once).  1000
# rounds, as issue 17 asks.  A #BP whose int3 is gone from memory (QEMU
# ran a stale translation) re-runs its site by a single step; a breakpoint
# not ours would send the CPU on past it, so none may appear.
my $rounds = 1000;
my $r = boot(xen_args => ['dom0_max_vcpus=2'], qemu => ['-smp', '2'],
	     cmdline => ['selftest', 'repatch', $rounds], timeout => 900);
check_pass($r, 1);
like($r->{out}, qr/^xen: smp: 2 of 2 vCPUs online, up in \d+ us, vcpu_info per CPU at %gs:64/m,
     'dom0_max_vcpus=2: vCPU 1 up by VCPUOP_up');
for my $t (qw(mm_tlb_shootdown xen_vcpu_info_percpu)) {
	my @k = grep { $_->{name} =~ /:$t$/ } @{ $r->{ktap} };
	is(scalar(grep { $_->{ok} && !$_->{skip} } @k), 3,
	   "$t ran and passed in all three modes");
}
like(repatch_line($r),
     qr/^repatch: rounds=$rounds sites=\d+ faults=0 wrong=0 ticks_per_round=\d+$/,
     "repatch $rounds: faults=0 wrong=0")
	or diag(repatch_lines($r));
unlike($r->{out}, qr/^repatch: \d+ breakpoints not ours/m,
       'no breakpoint that is not a site being written')
	or diag(repatch_lines($r));
like($r->{out}, qr/^repatch: int3 protocol, 2 CPUs, [1-9]\d* stress iterations, 0 stuck/m,
     'the int3 protocol ran while vCPU 1 ran the stress');
like($r->{out}, qr/^pv:   irq_disable +[1-9]\d* +0 +0 +0 +0\r?$/m,
     'irq_disable sites inline (the %gs movb, in the stub)');

# Four vCPUs on the two pCPUs: three stress the lock, so waiters poll
# their kick port (SCHEDOP_poll) and the unlock kicks them.
my $q = boot(xen_args => ['dom0_max_vcpus=4'], qemu => ['-smp', '2'],
	     cmdline => ['repatch', '20']);
check_pass($q, 0);
like($q->{out}, qr/^xen: smp: 4 of 4 vCPUs online/m, 'dom0_max_vcpus=4: 4 vCPUs');
like(repatch_line($q), qr/^repatch: rounds=20 sites=\d+ faults=0 wrong=0 /,
     '4 vCPUs: repatch 20: faults=0 wrong=0')
	or diag(repatch_lines($q));
my ($halts, $kicks) = $q->{out} =~
	/^repatch: lock: counter \d+, (\d+) waits halted, (\d+) kicks\r?$/m;
ok(defined $halts && $halts > 0 && $kicks > 0,
   '4 vCPUs: contended waiters polled in lock_wait, lock_kick woke them')
	or diag($q->{out} =~ /^(repatch: lock:.*)$/m);
done_testing();
