# PvNeed.pm: a boot test whose commands are missing fails, with the line
# tests/lib/need prints (the install command); it never skips.
package PvNeed;

use strict;
use warnings;
use Exporter 'import';
use FindBin;
use Test::More;

our @EXPORT = qw(need);

# need(CMD...): returns when all are on PATH; else one failing test per
# missing command, and the test file ends there.
sub need {
	my @missing = `"$FindBin::Bin/../../lib/need" @_`;
	return unless $?;
	fail($_) for map { s/\n//r } @missing;
	done_testing();
	exit 1;
}

1;
