#!/usr/bin/perl
# mem-2g.t: boots with -m 2G: the allocator takes the PVH memory map and
# the page tables (built through the mmu ops) map all of it.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(qemu => [qw(-m 2G)], cmdline => ['selftest']);
check_pass($r, 1);
my ($mib) = $r->{out} =~ /^mm: (\d+) MiB usable/m;
ok(defined $mib, 'memory reported');
cmp_ok($mib // 0, '>', 1900, 'most of 2 GiB usable');
cmp_ok($mib // 9999, '<', 2048, 'no more than there is');
done_testing();
