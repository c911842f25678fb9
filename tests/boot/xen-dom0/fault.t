#!/usr/bin/perl
# fault.t: an unexpected fault in Dom0 comes back from Xen through the trap
# table and ends the run with the same report as natively (cr2 from
# vcpu_info), RESULT: FAIL and a Dom0 shutdown.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use XenBoot;
use Test::More;

need_tools();
my $r = boot(cmdline => ['fault']);
is($r->{status}, 1, 'run-xen exits 1');
my @l = @{ $r->{lines} };
my ($res) = grep { $l[$_] =~ /^RESULT: / } 0 .. $#l;
ok(defined $res && $l[$res] eq 'RESULT: FAIL', 'RESULT: FAIL');
like($l[$res - 1] // '', qr/^pv-summary: /, 'pv-summary just before it');
like($r->{out}, qr/^trap: #PF page fault \(vector 14\), error code 0x0\r?$/m,
     'vector and error code');
like($r->{out}, qr/^trap: rip [0-9a-f]{16} fault_selfcheck\+0x[0-9a-f]+ /m,
     'RIP as function+offset');
like($r->{out}, qr/^trap: cr2 0000000000000010 \(not present, read, data\)/m,
     'cr2 (vcpu_info arch.cr2) and decoded error code');
like($r->{out}, qr/^\(XEN\) Hardware Dom0 shutdown: rebooting/m,
     'Dom0 shut down rather than crashed');
done_testing();
