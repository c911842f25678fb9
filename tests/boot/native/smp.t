#!/usr/bin/perl
# smp.t: the native boot at -smp 1, 2, 4 (APs from the MADT, selftests with
# W^X), live re-patch rounds under a stress on the other CPUs with the int3
# protocol (faults=0 wrong=0), and the plain copy that fails with 4 CPUs.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

sub repatch_line {
	my ($r) = @_;
	my ($l) = $r->{out} =~ /^(repatch: rounds=.*)$/m;
	return $l // '';
}

# Every repatch: line (which CPU faulted, where), for a failure's diag.
sub repatch_lines {
	my ($r) = @_;
	return join("\n", $r->{out} =~ /^(repatch: .*?)\r?$/mg);
}

# 1000 rounds at every CPU count, as issue 17 asks: one CPU takes the
# plain copy (nothing else runs); with more, every round costs a few IPI
# syncs under TCG (about 25 s for the 1000 at -smp 2 and 60 s at -smp 4 on
# an idle 2-core machine, 2.5 and 3.5 min under a load of 8).
my %rounds = (1 => 1000, 2 => 1000, 4 => 1000);
for my $n (1, 2, 4) {
	my @cmd = ('selftest', $rounds{$n} ? ('repatch', $rounds{$n}) : ());
	my $r = boot(qemu => ['-smp', $n], cmdline => \@cmd, timeout => 900);
	check_pass($r, 1);
	like($r->{out}, qr/^smp: $n of $n CPUs online, APs up in \d+ us/m,
	     "-smp $n: $n CPUs online");
	my @wx = grep { $_->{name} =~ /:wx_/ } @{ $r->{ktap} };
	is(scalar(grep { $_->{ok} && !$_->{skip} } @wx), 6,
	   "-smp $n: W^X selftests ran and passed in all three modes");
	like($r->{out}, qr/^# wx: write to text faulted at t_wx_text_write\+0x0 /m,
	     "-smp $n: the write to text names func+off");
	my @tlb = grep { $_->{name} =~ /:mm_tlb_shootdown$/ } @{ $r->{ktap} };
	if ($n > 1) {
		is(scalar(grep { $_->{ok} && !$_->{skip} } @tlb), 3,
		   "-smp $n: TLB shootdown by IPI in all three modes");
	} else {
		ok(!@tlb && $r->{out} =~
			/^# not applicable: mm_tlb_shootdown: one CPU$/m,
		   '-smp 1: the TLB shootdown test is named not applicable, not run');
	}
	next unless $rounds{$n};
	like(repatch_line($r),
	     qr/^repatch: rounds=$rounds{$n} sites=\d+ faults=0 wrong=0 ticks_per_round=\d+$/,
	     "-smp $n: repatch $rounds{$n}: faults=0 wrong=0")
		or diag(repatch_lines($r));
	unlike($r->{out}, qr/^repatch: \d+ breakpoints not ours/m,
	       "-smp $n: no breakpoint that is not a site being written")
		or diag(repatch_lines($r));
	next unless $n == 4;
	my ($halts, $kicks) = $r->{out} =~
		/^repatch: lock: counter \d+, (\d+) waits halted, (\d+) kicks$/m;
	ok(defined $halts && $halts > 0 && $kicks > 0,
	   '-smp 4: contended lock waiters halted in lock_wait, lock_kick woke them')
		or diag($r->{out} =~ /^(repatch: lock:.*)$/m);
}

# The same stress with the plain copy (no int3, no sync) goes wrong with
# four CPUs: counted faults, a fault on the boot CPU, or a triple fault
# (no RESULT line at all).  This is what the protocol is for.
my $p = boot(qemu => ['-smp', 4], cmdline => ['repatch', '20', 'repatch.plain']);
isnt($p->{status}, 0, '-smp 4, plain copy: the run does not pass')
	or diag(repatch_line($p));
unlike(repatch_line($p), qr/faults=0 wrong=0/,
       '-smp 4, plain copy: no clean repatch line');
like($p->{out}, qr/^smp: 4 of 4 CPUs online/m, 'with the same 4 CPUs');
done_testing();
