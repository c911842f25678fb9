#!/usr/bin/perl
# text-hash.t: the text the kernel patched at boot as Dom0 is byte for byte
# what pvpatch computes offline for the Xen backend, in both patch modes.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use XenBoot;
use Test::More;

need_tools();
my $b = build_dir();
my $pvpatch = "$b/tools/pvpatch";
BAIL_OUT("no $pvpatch: run make first") unless -x $pvpatch;
my $kernel = "$b/kernel/kernel.elf";
my $r = boot(kernel => $kernel);
check_pass($r, 0);
# the CPU the patcher saw through Xen's cpuid policy
my $cpu = $r->{summary}{cpu_features} // 'missing';
like($cpu, qr/^(none|[a-z0-9,]+)$/, "cpu_features reported: $cpu");
my $offline = `$pvpatch --text-hash --backend xen --cpu-features $cpu $kernel`;
is($? >> 8, 0, 'pvpatch --text-hash --backend xen runs');
chomp($offline);
like($offline, qr/^[0-9a-f]{16}$/, 'offline hash: 16 hex digits');
is($r->{summary}{text_hash}, $offline, 'boot-time hash equals offline hash');
my $n = `$pvpatch --text-hash --no-inline --backend xen $kernel`;
chomp($n);
my $r2 = boot(kernel => $kernel, cmdline => ['pv.noinline']);
is($r2->{summary}{text_hash}, $n, 'pv.noinline: equals pvpatch --no-inline');
my $native = `$pvpatch --text-hash --backend native $kernel`;
chomp($native);
isnt($offline, $native, 'Xen and native patch the text differently');
done_testing();
