#!/usr/bin/perl
# noinline.t: a PVH Dom0 booted with pv.noinline: direct calls only, the
# hypercall sites left as calls into the hypercall page (which the kernel
# wrote with the vendor's instruction); the text equals pvpatch
# --no-inline --backend pvh-*.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../xen-dom0";
use XenBoot;
use Test::More;

need_tools();
my $b = build_dir();
my $pvpatch = "$b/tools/pvpatch";
my $kernel = "$b/kernel/kernel.elf";
BAIL_OUT("no $pvpatch: run make first") unless -x $pvpatch;
my $r = boot(pvh => 1, cmdline => ['pv.noinline']);
check_pass($r, 0);
my $s = $r->{summary};
is($s->{inline}, 0, 'no site inline');
is($s->{hcall_inline}, 0, 'no hypercall site inline');
cmp_ok($s->{hcall_sites}, '>', 10, 'the hypercall sites are counted');
my $want = `$pvpatch --text-hash --no-inline --backend pvh-amd $kernel`;
chomp($want);
is($s->{text_hash}, $want, 'text hash = pvpatch --no-inline --backend pvh-amd');
done_testing();
