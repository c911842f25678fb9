#!/bin/sh
# /init of the DomU test bed's Dom0 (Debian's Linux 6.1 as a Xen PV Dom0, in
# an initramfs built by scripts/dom0-initrd).  Brings up the Xen toolstack
# (modules, xenfs, xenstored, xenconsoled, xen-init-dom0), runs the harness
# that scripts/run-domu put at /domu/harness.sh, then reboots, which ends
# QEMU (-no-reboot).  With DOMU_SHELL=1 in /domu/run.conf it opens a shell
# on the console after the harness instead (scripts/run-domu --shell).
PATH=/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

uptime_s() { read -r up _ </proc/uptime; echo "$up"; }

finish() { # finish: flush, end the run (reboot -f with QEMU -no-reboot exits)
	sync
	sleep 1
	reboot -f
	sleep 5
	poweroff -f
}

fail() {
	echo "dom0: $*"
	echo "DOMU-RESULT: FAIL ($*)"
	finish
}

mount -t proc proc /proc || fail "cannot mount /proc"
mount -t sysfs sysfs /sys || fail "cannot mount /sys"
mkdir -p /dev/pts /dev/shm
# xenconsoled needs devpts: without it, xl create fails with
# "console tty: timed out".
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts || fail "cannot mount /dev/pts"
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# The vfb's device model (QEMU) serves VNC on 127.0.0.1: it needs lo.
ip link set lo up || fail "cannot bring lo up"
echo "dom0: init at $(uptime_s) s of Dom0 uptime, kernel $(uname -r)"

[ -d /proc/xen ] || mkdir -p /proc/xen
kver=$(uname -r)
# Order matters: xenfs needs xen-privcmd.
for m in xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs; do
	insmod "/lib/modules/$kver/$m.ko" || fail "insmod $m failed"
done
mount -t xenfs xenfs /proc/xen || fail "cannot mount xenfs on /proc/xen"
grep -q control_d /proc/xen/capabilities 2>/dev/null || fail "not running as Xen Dom0"

mkdir -p /run/xen /run/xenstored /run/lock /var/lib/xen /var/lib/xenstored \
	/var/log/xen/console /var/lock
xenstored --pid-file /run/xenstored.pid || fail "xenstored failed to start"
i=0
until xenstore-exists / 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "xenstored does not answer"
	sleep 0.1
done
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest \
	--log-dir=/var/log/xen/console || fail "xenconsoled failed to start"
xen-init-dom0 || fail "xen-init-dom0 failed"
echo "dom0: toolstack up at $(uptime_s) s"

DOMU_SHELL=0
[ -f /domu/run.conf ] && . /domu/run.conf
if [ -f /domu/harness.sh ]; then
	sh /domu/harness.sh
else
	echo "dom0: no /domu/harness.sh"
	[ "$DOMU_SHELL" = 1 ] || echo "DOMU-RESULT: FAIL (no harness)"
fi

if [ "$DOMU_SHELL" = 1 ]; then
	echo "dom0: shell (xl list, xl console NAME; Ctrl-] leaves xl console; exit ends the run)"
	cd /domu 2>/dev/null || cd /
	setsid cttyhack sh -l
fi
echo "dom0: done at $(uptime_s) s"
finish
