#!/usr/bin/perl
# text-hash.t: the text the kernel patched at boot is byte for byte what
# pvpatch computes offline: both hashes are equal.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $b = BootTest::build_dir();
my $pvpatch = "$b/tools/pvpatch";
BAIL_OUT("no $pvpatch: run make first") unless -x $pvpatch;
my $kernel = "$b/kernel/kernel.elf";
# QEMU's default CPU (qemu64) has no rdtscp: the kernel says what it saw.
my $r = boot(kernel => $kernel);
check_pass($r, 0);
my $cpu = $r->{summary}{cpu_features} // 'missing';
is($cpu, 'none', 'qemu64: the patcher saw no rdtscp');
my $offline = `$pvpatch --text-hash --backend native --cpu-features $cpu $kernel`;
is($? >> 8, 0, 'pvpatch --text-hash runs');
chomp($offline);
like($offline, qr/^[0-9a-f]{16}$/, 'offline hash: 16 hex digits');
is($r->{summary}{text_hash}, $offline, 'boot-time hash equals offline hash');
my $all = `$pvpatch --text-hash --backend native $kernel`;
chomp($all);
isnt($all, $offline, 'a CPU with rdtscp gets other text');
my $n = `$pvpatch --text-hash --no-inline --backend native $kernel`;
chomp($n);
my $r2 = boot(kernel => $kernel, cmdline => ['pv.noinline']);
is($r2->{summary}{text_hash}, $n, 'pv.noinline: equals pvpatch --no-inline');
isnt($n, $offline, 'the two modes give different text');
done_testing();
