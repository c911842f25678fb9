#!/usr/bin/perl
# pv-n.t: the PV=n reference kernel (ops compiled as native instructions,
# no pv_ops) passes the same op tests; it has no patcher tests to run.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

# -cpu max: the in-place ops assume a CPU with every feature (rdtscp).
my $r = boot(kernel => BootTest::build_dir() . '/kernel-nopv/kernel.elf',
	     qemu => [qw(-cpu max)], cmdline => ['selftest']);
check_pass($r, 1);
is($r->{summary}{sites}, 0, 'no sites');
like($r->{out}, qr/^pv: PV=n build/m, 'says it is the PV=n build');
my @k = @{ $r->{ktap} };
cmp_ok(scalar(grep { $_->{name} =~ /^native:/ && !$_->{skip} } @k), '>', 20,
       'op tests ran');
ok(!grep({ $_->{name} =~ /^patch:|:(text_is_plan|callee_regs|iret_regs)$/ }
	 @k), 'no patcher tests in PV=n');
done_testing();
