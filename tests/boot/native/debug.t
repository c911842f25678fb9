#!/usr/bin/perl
# debug.t: pv.debug logs one decision per site: address, function+offset,
# op, strategy, reason and the bytes written.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use BootTest;
use Test::More;

my $r = boot(cmdline => ['pv.debug']);
check_pass($r, 0);
my @d = grep { /^pv: [0-9a-f]{16} / } @{ $r->{lines} };
is(scalar(@d), $r->{summary}{sites}, 'one decision line per site');
my @named = grep { /^pv: [0-9a-f]{16} [A-Za-z_][\w.]*\+0x[0-9a-f]+ / } @d;
is(scalar(@named), scalar(@d), 'every site named as function+offset');
ok(grep({ /\bisr_common\+0x\w+ +iret +inline +ok \[48 cf\]$/ } @d),
   'the iret site became iretq');
# sched_clock is a native site now (its direct call as built); console_write
# and the *_msr_safe ops are still direct calls
ok(grep({ /\b(console_write|read_msr_safe|write_msr_safe) +direct +(?!ok\b)\S/ }
	@d), 'direct calls say why they are not inline');
ok(grep({ /\bsched_clock +inline +ok \[e8 / } @d),
   'sched_clock: a native site, the direct call it was built with');
done_testing();
