#!/usr/bin/perl
# fault.t: an unexpected exception ends the run with a report (vector,
# error code, RIP as function+offset, CR2, registers) and RESULT: FAIL.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(cmdline => ['fault']);
is($r->{status}, 1, 'run-qemu exits 1');
my @l = @{ $r->{lines} };
is($l[-1], 'RESULT: FAIL', 'last line: RESULT: FAIL');
like($l[-2], qr/^pv-summary: /, 'pv-summary just before it');
like($r->{out}, qr/^trap: #PF page fault \(vector 14\), error code 0x0$/m,
     'vector and error code');
like($r->{out}, qr/^trap: rip [0-9a-f]{16} fault_selfcheck\+0x[0-9a-f]+ /m,
     'RIP as function+offset');
like($r->{out}, qr/^trap: cr2 0000000000000010 \(not present, read, data\)$/m,
     'CR2 and the cause');
like($r->{out}, qr/^trap: rax [0-9a-f]{16}  rbx /m, 'registers');
done_testing();
