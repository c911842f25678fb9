#!/usr/bin/perl
# pv-n.t: the i386 PV=n reference kernel (ops compiled as native
# instructions, no pv_ops) passes the same op tests.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../native";
use BootTest;
use Test::More;

# -cpu max: the in-place ops assume a CPU with every feature (rdtscp).
my $r = boot(kernel => BootTest::build_dir() . '/i386/kernel-nopv/kernel.elf',
	     qemu => [qw(-cpu max)], cmdline => ['selftest']);
check_pass($r, 1);
is($r->{summary}{sites}, 0, 'no sites');
like($r->{out}, qr/^pv: PV=n build/m, 'says it is the PV=n build');
cmp_ok(scalar(grep { $_->{name} =~ /^native:/ && !$_->{skip} }
	      @{ $r->{ktap} }), '>', 20, 'op tests ran');
done_testing();
