# cmdloop.mk: the console command loop's native test (issue 9; the loop is
# kernel/core/cmdloop.c, in both kernel builds; its DomU cases are in
# tests/boot/domu/cases/pv.sh, run by mk/domu-guest.mk's pv-guest.t).

TESTS += tests/boot/native/cmdloop.t
