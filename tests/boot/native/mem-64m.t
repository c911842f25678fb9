#!/usr/bin/perl
# mem-64m.t: boots with -m 64M: the allocator takes the PVH memory map and
# the page tables (built through the mmu ops) map all of it.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(qemu => [qw(-m 64M)], cmdline => ['selftest']);
check_pass($r, 1);
my ($mib) = $r->{out} =~ /^mm: (\d+) MiB usable/m;
ok(defined $mib, 'memory reported');
cmp_ok($mib // 0, '>', 48, 'most of 64 MiB usable');
cmp_ok($mib // 999, '<', 64, 'no more than there is');
done_testing();
