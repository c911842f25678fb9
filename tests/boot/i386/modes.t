#!/usr/bin/perl
# modes.t: the i386 kernel boots natively in the three patch modes, every
# selftest passes, no site is left indirect where it is patched, and the
# text it patched is what pvpatch computes offline from the ELF32 image.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../native";
use BootTest;
use Test::More;

my $b = BootTest::build_dir();
my $kernel = "$b/i386/kernel/kernel.elf";
my $pvpatch = "$b/tools/pvpatch";
BAIL_OUT("no $pvpatch: run make") unless -x $pvpatch;

my %flag = (full => [], noinline => ['pv.noinline'],
	    nopatch => ['pv.nopatch']);
my %pvpatch_mode = (full => '', noinline => '--no-inline');
for my $mode (qw(full noinline nopatch)) {
	my $r = boot(kernel => $kernel, cmdline => [ 'selftest', @{ $flag{$mode} } ]);
	check_pass($r, 1);
	my $s = $r->{summary} // {};
	like($r->{out}, qr/^pvkernel: native platform, .*PV=y/m,
	     "$mode: the PV=y kernel");
	cmp_ok($s->{sites} // 0, '>', 100, "$mode: sites in the table");
	my @ran = grep { $_->{name} =~ /^$mode:/ && !$_->{skip} } @{ $r->{ktap} };
	cmp_ok(scalar(@ran), '>', 20, "$mode: its op tests ran");
	if ($mode eq 'nopatch') {
		is($s->{indirect}, $s->{sites}, 'nopatch: every site indirect');
		next;
	}
	is($s->{indirect}, 0, "$mode: no site indirect");
	is($s->{refused}, 0, "$mode: none refused");
	my $cpu = $s->{cpu_features} // 'missing';
	my $h = `$pvpatch --text-hash $pvpatch_mode{$mode} --backend native --cpu-features $cpu $kernel`;
	is($? >> 8, 0, "$mode: pvpatch --text-hash runs on the ELF32 image");
	chomp($h);
	is($s->{text_hash}, $h, "$mode: booted text hash equals pvpatch's");
}
done_testing();
