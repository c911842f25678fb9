#!/usr/bin/perl
# mem-2g.t: with 2 GiB of RAM the i386 kernel uses what its direct map
# covers (768 MiB, docs/i386.md), leaves the rest, and passes its selftests.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../native";
use BootTest;
use Test::More;

my $r = boot(kernel => BootTest::build_dir() . '/i386/kernel/kernel.elf',
	     qemu => [qw(-m 2G)], cmdline => ['selftest']);
check_pass($r, 1);
my ($mib) = $r->{out} =~ /^mm: (\d+) MiB usable/m;
ok(defined $mib && $mib > 700 && $mib < 768,
   'RAM clipped below the 768 MiB direct map: ' . ($mib // 'no mm line'));
done_testing();
